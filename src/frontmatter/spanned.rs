//! The serde glue that reads YAML and TOML into [`Node`]s keeping each value's place:
//! span-aware wrappers per format, and byte offsets turned into lines and columns.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::node::{Node, Value};

/// Turns each node's byte offset into its line and column, with the offsets at which
/// the block's lines start.
pub(super) fn resolve_offsets(node: &mut Node, block: &str, line_starts: &[usize]) {
    let mut offset = (node.line as usize).min(block.len());
    while !block.is_char_boundary(offset) {
        offset -= 1;
    }
    // The last line starting at or before the offset.
    let line = line_starts.partition_point(|&start| start <= offset);
    let line_start = line_starts[line - 1];
    node.line = line as u32;
    node.col = block[line_start..offset].chars().count() as u32 + 1;
    match &mut node.value {
        Value::Seq(items) => items
            .iter_mut()
            .for_each(|n| resolve_offsets(n, block, line_starts)),
        Value::Map(entries) => entries
            .iter_mut()
            .for_each(|(_, n)| resolve_offsets(n, block, line_starts)),
        _ => {}
    }
}

/// A node read through a format's span-aware wrapper.
trait SpannedNode<'de>: Deserialize<'de> {
    /// How the format's map keys are read.
    type Key: Deserialize<'de> + Into<String>;
    fn into_node(self) -> Node;
}

pub(super) struct YamlNode(pub(super) Node);
pub(super) struct TomlNode(pub(super) Node);

/// The value of a node, each child read as `N` so that it keeps its own place.
struct Raw<N>(Value, PhantomData<N>);

thread_local! {
    /// The YAML block being read on this thread, so a scalar can be taken as written.
    static YAML_SOURCE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Runs `read` with `block` as the source [`YamlNode`]s take their scalars' text from.
pub(super) fn with_source<T>(block: &str, read: impl FnOnce() -> T) -> T {
    YAML_SOURCE.with_borrow_mut(|s| block.clone_into(s));
    let out = read();
    YAML_SOURCE.with_borrow_mut(String::clear);
    out
}

/// The text of the plain scalar at `at`, as written in the block; `None` when it is
/// quoted, a block scalar, or its place is not known.
fn written(at: &serde_saphyr::Location) -> Option<String> {
    let span = at.span();
    let (start, len) = (span.byte_offset()? as usize, span.byte_len()? as usize);
    YAML_SOURCE.with_borrow(|s| {
        let text = s.get(start..start.checked_add(len)?)?.trim();
        // An anchor stands before the value it names.
        let text = match text.strip_prefix('&') {
            Some(rest) => rest.split_once([' ', '\t'])?.1.trim_start(),
            None => text,
        };
        let first = text.chars().next()?;
        (!matches!(first, '"' | '\'' | '|' | '>' | '!' | '*')).then(|| text.to_string())
    })
}

impl<'de> Deserialize<'de> for YamlNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<Raw<YamlNode>>::deserialize(d)?;
        // serde-saphyr types plain scalars (`007` as 7, `1e3` as 1000); the author's
        // text is in the block, where the value is defined.
        let value = match s.value.0 {
            v @ (Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_)) => {
                written(&s.defined).map_or(v, |text| super::node::plain(&text))
            }
            v => v,
        };
        Ok(YamlNode(Node {
            value,
            line: s.referenced.line() as u32,
            col: s.referenced.column() as u32,
        }))
    }
}

impl SpannedNode<'_> for YamlNode {
    type Key = YamlKey;
    fn into_node(self) -> Node {
        self.0
    }
}

impl<'de> Deserialize<'de> for TomlNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = toml::Spanned::<Raw<TomlNode>>::deserialize(d)?;
        let offset = s.span().start as u32;
        let value = s.into_inner().0;
        Ok(TomlNode(Node {
            value,
            line: offset,
            col: 0,
        }))
    }
}

impl SpannedNode<'_> for TomlNode {
    type Key = KeyString;
    fn into_node(self) -> Node {
        self.0
    }
}

impl<'de, N: SpannedNode<'de>> Deserialize<'de> for Raw<N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor::<N>(PhantomData))
            .map(|v| Raw(v, PhantomData))
    }
}

struct RawVisitor<N>(PhantomData<N>);

impl<'de, N: SpannedNode<'de>> Visitor<'de> for RawVisitor<N> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a front matter value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Float(v as f64))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(Value::Float(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element::<N>()? {
            items.push(item.into_node());
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries: Vec<(String, Node)> = Vec::new();
        while let Some(key) = map.next_key::<N::Key>()? {
            let key: String = key.into();
            // TOML dates arrive as a one-key map; front matter treats them as strings.
            if key == TOML_DATETIME_FIELD && entries.is_empty() {
                return Ok(Value::Str(map.next_value::<String>()?));
            }
            let value = map.next_value::<N>()?.into_node();
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

/// The private field name under which `toml` hands out its dates.
const TOML_DATETIME_FIELD: &str = "$__toml_private_datetime";

/// A map key: strings, and numbers or booleans written as keys, all as text.
struct KeyString(String);

impl From<KeyString> for String {
    fn from(k: KeyString) -> String {
        k.0
    }
}

/// A YAML map key as written (`007:` is "007", `n:` is "n").
struct YamlKey(String);

impl<'de> Deserialize<'de> for YamlKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<KeyString>::deserialize(d)?;
        Ok(YamlKey(written(&s.defined).unwrap_or(s.value.0)))
    }
}

impl From<YamlKey> for String {
    fn from(k: YamlKey) -> String {
        k.0
    }
}

impl<'de> Deserialize<'de> for KeyString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = KeyString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, v: &str) -> Result<KeyString, E> {
                Ok(KeyString(v.to_owned()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<KeyString, E> {
                Ok(KeyString(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<KeyString, E> {
                Ok(KeyString(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<KeyString, E> {
                Ok(KeyString(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<KeyString, E> {
                Ok(KeyString(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<KeyString, E> {
                Ok(KeyString(String::new()))
            }
        }
        d.deserialize_any(V)
    }
}

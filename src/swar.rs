//! Eight bytes at a time: the word tests the HTML escaper uses to skip runs of plain text
//! (the bit tricks of "Bit Twiddling Hacks", exact as to whether a byte is in a word,
//! not where).

/// Every byte's high bit.
const HIGHS: u64 = 0x8080_8080_8080_8080;
const ONES: u64 = 0x0101_0101_0101_0101;

/// The eight bytes of `bytes` from `at`, as a little-endian word, if there are eight.
pub fn word(bytes: &[u8], at: usize) -> Option<u64> {
    let w: [u8; 8] = bytes.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(w))
}

/// Non-zero when some byte of `w` is `b`.
pub fn has(w: u64, b: u8) -> u64 {
    let x = w ^ (ONES * u64::from(b));
    x.wrapping_sub(ONES) & !x & HIGHS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_byte_at_every_place() {
        for at in 0..8 {
            for b in [0u8, b'<', b'"', 0x1f, 0x7f, 0x80, 0xff] {
                let mut bytes = [b'a'; 8];
                bytes[at] = b;
                let w = word(&bytes, 0).unwrap();
                assert_ne!(has(w, b), 0, "{b:#x} at {at}");
                assert_eq!(has(w, b'z'), 0);
                assert_eq!(w & HIGHS != 0, b >= 0x80);
            }
        }
        assert_eq!(word(b"1234567", 0), None);
    }
}

//! The exports an analyst loads without plan.toml (issue 16, item 5): coverage.csv's
//! appended columns and gap_rank, coverage.json's names and orders, assets.csv and
//! assets.json, and both JSON documents checked against the schemas the site ships.

use std::collections::BTreeMap;

use crate::common::{TestLib, manifest_dir, read, small_plan, tree};

const COVERAGE_COLUMNS: &str = "segment,persona,stage,count,target,fill,status,pipeline_at_stake,segment_name,persona_name,stage_name,segment_order,persona_order,stage_order,stale,weight,gap_rank,as_of,currency";
const ASSETS_COLUMNS: &str = "slug,title,type,audience,owner,updated,review_by,stale,counted,segments,personas,stages,url,due,due_soon,superseded_by,draft";

/// The rows of a CSV file as header → value maps, read by the csv crate (RFC 4180).
fn rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(r.len(), header.len(), "{r:?}");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

/// Validates `doc` against the schema the site shipped at `schema`, returning every error.
fn schema_errors(schema: &serde_json::Value, doc: &serde_json::Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).unwrap();
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn sample_built(extra: &[&str]) -> TestLib {
    let lib = TestLib::sample();
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    lib.run(args).success();
    lib
}

#[test]
fn coverage_csv_appends_names_orders_and_gap_rank_to_the_old_columns() {
    let lib = sample_built(&[]);
    let text = lib.read_out("coverage.csv");
    assert!(text.starts_with(&format!("{COVERAGE_COLUMNS}\n")), "{text}");
    let rows = rows(&text);
    let doc = json(&lib.read_out("coverage.json"));
    let cells = doc["cells"].as_array().unwrap();
    assert_eq!(rows.len(), cells.len());
    // Names and orders as the plan gives them.
    let first = &rows[0];
    assert_eq!(
        (
            first["segment_name"].as_str(),
            first["persona_name"].as_str(),
            first["stage_name"].as_str()
        ),
        ("Enterprise", "Economic Buyer", "Awareness")
    );
    assert_eq!(
        (
            first["segment_order"].as_str(),
            first["persona_order"].as_str(),
            first["stage_order"].as_str(),
        ),
        ("1", "1", "1")
    );
    let controller = rows.iter().find(|r| r["persona"] == "champion").unwrap();
    assert_eq!(controller["persona_name"], "Controller");
    assert_eq!(controller["persona_order"], "2");
    let onboarding = rows.iter().find(|r| r["stage"] == "onboarding").unwrap();
    assert_eq!(onboarding["stage_order"], "5");
    assert!(
        rows.iter()
            .all(|r| r["as_of"] == "2026-11-01" && r["currency"] == "USD")
    );
    // gap_rank follows coverage.json's gap list: 1 for the largest pipeline at stake.
    let gaps: Vec<&str> = doc["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    for (row, cell) in rows.iter().zip(cells) {
        let key = format!("{}|{}|{}", row["segment"], row["persona"], row["stage"]);
        let rank = gaps
            .iter()
            .position(|g| *g == key)
            .map(|i| (i + 1).to_string());
        assert_eq!(row["gap_rank"], rank.unwrap_or_default(), "{key}");
        assert_eq!(row["stale"], cell["stale"].to_string(), "{key}");
        assert_eq!(
            row["weight"].parse::<f64>().unwrap(),
            cell["weight"].as_f64().unwrap()
        );
        if row["status"] == "covered" || row["status"] == "waived" {
            assert_eq!(row["gap_rank"], "", "at target or waived: no rank");
        }
    }
    let ranked: Vec<usize> = rows
        .iter()
        .filter_map(|r| r["gap_rank"].parse().ok())
        .collect();
    assert_eq!(ranked.len(), gaps.len());
    let top = rows.iter().find(|r| r["gap_rank"] == "1").unwrap();
    let most = rows
        .iter()
        .map(|r| r["pipeline_at_stake"].parse::<f64>().unwrap())
        .fold(0.0, f64::max);
    assert_eq!(top["pipeline_at_stake"].parse::<f64>().unwrap(), most);
}

#[test]
fn gap_rank_breaks_ties_in_plan_order() {
    // Four cells with equal pipeline at stake (same weight, nothing covered), one
    // covered: ranks go in plan order (persona, then stage) and skip the covered one.
    let plan = "[site]\ntitle = \"T\"\n[plan]\ntitle = \"P\"\ncurrency = \"EUR\"\nas_of = 2026-11-01\n[[stages]]\nid = \"s1\"\nname = \"Stage, one\"\n[[stages]]\nid = \"s2\"\n[[personas]]\nid = \"p1\"\n[[personas]]\nid = \"p2\"\nname = \"The \\\"second\\\"\"\n[[segments]]\nid = \"seg\"\npipeline = 100\n[[segments]]\nid = \"big\"\npipeline = 1000\npersonas = [\"p1\"]\nstages = [\"s2\"]\n";
    let cover = |n: usize| {
        format!(
            "---\ntitle: C{n}\nsegments: [seg]\npersonas: [p1]\nstages: [s2]\nreview_by: 2027-01-01\n---\n"
        )
    };
    let lib = TestLib::new()
        .plan(plan)
        .asset("c1.md", &cover(1))
        .asset("c2.md", &cover(2));
    lib.run(["build"]).success();
    let rows = rows(&lib.read_out("coverage.csv"));
    let ranks: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                format!("{}|{}|{}", r["segment"], r["persona"], r["stage"]),
                r["gap_rank"].clone(),
            )
        })
        .collect();
    assert_eq!(
        ranks,
        [
            ("seg|p1|s1", "2"),
            ("seg|p1|s2", ""),
            ("seg|p2|s1", "3"),
            ("seg|p2|s2", "4"),
            ("big|p1|s2", "1"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    // Names with a comma or quotes come back whole through an RFC 4180 reader.
    assert_eq!(rows[0]["stage_name"], "Stage, one");
    assert_eq!(rows[2]["persona_name"], "The \"second\"");
    assert_eq!(rows[0]["currency"], "EUR");
}

#[test]
fn coverage_json_names_its_version_generator_and_dimensions() {
    let lib = sample_built(&[]);
    let doc = json(&lib.read_out("coverage.json"));
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(
        doc["generator"],
        format!("covermap {}", env!("CARGO_PKG_VERSION"))
    );
    let stages: Vec<(&str, &str, u64)> = doc["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap(),
                s["name"].as_str().unwrap(),
                s["order"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(stages[0], ("awareness", "Awareness", 1));
    assert_eq!(stages[4], ("onboarding", "Onboarding", 5));
    assert_eq!(doc["personas"][1]["name"], "Controller");
    assert_eq!(doc["personas"][1]["order"], 2);
    assert_eq!(doc["segments"][0]["order"], 1);
    assert_eq!(doc["segments"][3]["id"], "smb");
    assert_eq!(doc["segments"][3]["order"], 4);
}

#[test]
fn every_json_export_matches_the_schema_the_site_ships() {
    for extra in [&[][..], &["--drafts"][..], &["--audience", "external"][..]] {
        let lib = sample_built(extra);
        for (data, schema) in [
            ("coverage.json", "schemas/coverage.schema.json"),
            ("assets.json", "schemas/assets.schema.json"),
        ] {
            let shipped = lib.read_out(schema);
            // The site's copy is the repository's file.
            let in_repo = read(&manifest_dir().join("src/render").join(schema));
            assert_eq!(shipped, in_repo, "{schema}");
            let schema = json(&shipped);
            let mut doc = json(&lib.read_out(data));
            let errors = schema_errors(&schema, &doc);
            assert!(errors.is_empty(), "{data} {extra:?}: {errors:#?}");
            // The schema is strict enough to catch a broken document.
            doc.as_object_mut().unwrap().remove("schema_version");
            assert!(!schema_errors(&schema, &doc).is_empty(), "{data}");
        }
    }
    // A malformed cell or asset fails too.
    let lib = sample_built(&[]);
    let schema = json(&lib.read_out("schemas/coverage.schema.json"));
    let mut doc = json(&lib.read_out("coverage.json"));
    doc["cells"][0]["status"] = "fine".into();
    assert!(!schema_errors(&schema, &doc).is_empty());
    let schema = json(&lib.read_out("schemas/assets.schema.json"));
    let mut doc = json(&lib.read_out("assets.json"));
    doc["assets"][0]["stale"] = "no".into();
    assert!(!schema_errors(&schema, &doc).is_empty());
}

#[test]
fn assets_exports_have_one_row_per_asset_in_the_build() {
    let lib = sample_built(&[]);
    // assets.json: each asset a line of its own, the lines in the library's order.
    let json_text = lib.read_out("assets.json");
    let asset_lines: Vec<&str> = json_text
        .lines()
        .filter(|l| l.starts_with("    {\"slug\":"))
        .collect();
    let doc = json(&json_text);
    let assets = doc["assets"].as_array().unwrap();
    assert_eq!(asset_lines.len(), assets.len());
    for (line, asset) in asset_lines.iter().zip(assets) {
        let one = json(line.trim().trim_end_matches(','));
        assert_eq!(&one, asset);
    }
    let text = lib.read_out("assets.csv");
    assert!(text.starts_with(&format!("{ASSETS_COLUMNS}\n")), "{text}");
    let csv_rows = rows(&text);
    let doc = json(&lib.read_out("assets.json"));
    let assets = doc["assets"].as_array().unwrap();
    let coverage = json(&lib.read_out("coverage.json"));
    assert_eq!(csv_rows.len(), assets.len());
    assert_eq!(
        assets.len() as u64,
        coverage["summary"]["assets"].as_u64().unwrap()
    );
    assert_eq!(doc["as_of"], "2026-11-01");
    // The CSV and the JSON say the same, ids `;`-joined in the CSV.
    for (row, a) in csv_rows.iter().zip(assets) {
        assert_eq!(row["slug"], a["slug"].as_str().unwrap());
        assert_eq!(row["title"], a["title"].as_str().unwrap());
        for key in ["segments", "personas", "stages"] {
            let ids: Vec<&str> = a[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(row[key], ids.join(";"), "{key}");
        }
        assert_eq!(row["stale"], a["stale"].to_string());
        assert_eq!(row["counted"], a["counted"].to_string());
        assert_eq!(row["url"], format!("library/{}/", row["slug"]));
        // The url is the asset's page in the site.
        assert!(lib.out().join(&row["url"]).join("index.html").is_file());
    }
    let count = |key: &str| {
        assets
            .iter()
            .filter(|a| a[key] == true && a["superseded_by"].is_null())
            .count() as u64
    };
    assert_eq!(
        count("counted"),
        coverage["summary"]["counted"].as_u64().unwrap()
    );
    assert_eq!(
        count("stale"),
        coverage["summary"]["stale"].as_u64().unwrap()
    );
    let stackwell = csv_rows
        .iter()
        .find(|r| r["slug"] == "battlecards/stackwell")
        .unwrap();
    assert_eq!(
        (
            stackwell["type"].as_str(),
            stackwell["audience"].as_str(),
            stackwell["review_by"].as_str(),
            stackwell["stale"].as_str(),
            stackwell["counted"].as_str()
        ),
        ("battlecard", "internal", "2026-08-31", "true", "false")
    );
    assert!(csv_rows.iter().any(|r| r["audience"] == "internal"));

    // --audience external leaves internal assets out of both files.
    let external = sample_built(&["--audience", "external"]);
    let ext_rows = rows(&external.read_out("assets.csv"));
    assert!(!ext_rows.is_empty() && ext_rows.len() < csv_rows.len());
    assert!(ext_rows.iter().all(|r| r["audience"] != "internal"));
    let doc = json(&external.read_out("assets.json"));
    assert!(
        doc["assets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["audience"] != "internal")
    );
    assert_eq!(doc["assets"].as_array().unwrap().len(), ext_rows.len());
}

#[test]
fn assets_csv_quotes_per_rfc_4180_and_leaves_missing_values_empty() {
    let lib = TestLib::new()
        .plan(&small_plan(""))
        .asset(
            "a.md",
            "---\ntitle: 'Say \"hi\", then\n  leave'\nowner: \"=HYPERLINK(1)\"\npersonas: [champion]\nstages: [decision]\nsegments: [smb]\n---\n",
        )
        .asset("b.md", "---\ntitle: Bare\n---\n");
    lib.run(["build"]).success();
    let rows = rows(&lib.read_out("assets.csv"));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["title"], "Say \"hi\", then leave");
    // A spreadsheet formula is made inert, as in coverage.csv.
    assert_eq!(rows[0]["owner"], "'=HYPERLINK(1)");
    assert_eq!(rows[0]["counted"], "true");
    let bare = &rows[1];
    for key in [
        "type",
        "audience",
        "owner",
        "updated",
        "review_by",
        "segments",
    ] {
        assert_eq!(bare[key], "", "{key}");
    }
    assert_eq!(bare["counted"], "false");
    let doc = json(&lib.read_out("assets.json"));
    assert_eq!(doc["assets"][1]["owner"], serde_json::Value::Null);
    assert_eq!(doc["assets"][1]["segments"], serde_json::json!([]));
}

#[test]
fn exports_are_deterministic() {
    let lib = TestLib::sample();
    let other = lib.dir().join("again");
    lib.run(["build"]).success();
    lib.run(["build", "--out", other.to_str().unwrap()])
        .success();
    let (a, b) = (tree(&lib.out()), tree(&other));
    for path in [
        "coverage.csv",
        "coverage.json",
        "assets.csv",
        "assets.json",
        "schemas/coverage.schema.json",
        "schemas/assets.schema.json",
    ] {
        assert!(a.contains_key(path), "{path}");
        assert_eq!(a[path], b[path], "{path}");
    }
}

//! A build killed with SIGKILL at any moment leaves the previous site intact: the output
//! folder is, after every kill, byte for byte either the old site or the new one, never
//! a mix, and the next build succeeds and removes what the killed one left behind.
//!
//! The test alternates between two libraries and kills each build after a random delay
//! (seeded: `COVERMAP_KILL_SEED`; `COVERMAP_KILL_ROUNDS` kills, 40 by default), half of
//! them timed from the start of the process (so some die while loading or rendering) and
//! half from the moment the temporary output folder appears (so they die mid-write).

use crate::common::{BIN, Run, copy_dir, covermap, exclusive, fixtures, tree};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A library with enough attachments that writing the site takes a while; `variant`
/// changes an asset, the attachments' bytes and which attachments there are.
fn library(dir: &Path, variant: u8) -> PathBuf {
    let root = dir.join(format!("lib-{variant}"));
    copy_dir(&fixtures().join("valid-small"), &root);
    let attachments = root.join("content/files");
    fs::create_dir_all(&attachments).unwrap();
    for n in 0..32 + usize::from(variant) * 8 {
        let bytes = vec![b'a' + variant + (n % 7) as u8; 256 * 1024];
        fs::write(attachments.join(format!("file-{n:02}.bin")), bytes).unwrap();
    }
    for n in 0..30 {
        fs::write(
            root.join(format!("content/note-{n:02}.md")),
            format!(
                "---\ntitle: \"Note {n} of variant {variant}\"\npersonas: [champion]\nstages: all\nsegments: all\n---\nBody {variant}.\n"
            ),
        )
        .unwrap();
    }
    root
}

fn build(root: &Path, out: &Path) -> Run {
    covermap([
        "build".as_ref(),
        "--root".as_ref(),
        root.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
}

/// Names beside the output folder that a killed build left.
fn leftovers(parent: &Path) -> Vec<String> {
    fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".covermap-"))
        .collect()
}

/// xorshift64*: a small seeded generator, so a failing run can be repeated.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

#[test]
fn a_build_killed_at_random_points_leaves_the_old_site_or_the_new_one() {
    // Timed kills need the machine to themselves: the test fails when no kill lands
    // mid-write, which other tests' load could make happen.
    let _alone = exclusive();
    let seed: u64 = std::env::var("COVERMAP_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1234);
    let rounds: usize = std::env::var("COVERMAP_KILL_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let mut rng = Rng(seed | 1);
    let dir = tempfile::tempdir().unwrap();
    let libs = [library(dir.path(), 0), library(dir.path(), 1)];

    // The two sites, built once undisturbed; and how long a build takes.
    let mut sites = Vec::new();
    let mut build_time = Duration::ZERO;
    for (i, lib) in libs.iter().enumerate() {
        let out = dir.path().join(format!("reference-{i}"));
        let started = Instant::now();
        let done = build(lib, &out);
        build_time = build_time.max(started.elapsed());
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        sites.push(tree(&out));
    }
    assert_ne!(sites[0], sites[1]);

    let work = dir.path().join("work");
    fs::create_dir_all(&work).unwrap();
    let out = work.join("public");
    assert!(build(&libs[0], &out).status.success());
    let mut current = 0;
    let (mut old_kept, mut new_in_place, mut mid_write) = (0, 0, 0);
    let max_delay = (build_time.as_micros() as u64 * 6 / 5).max(1_000);

    for round in 0..rounds {
        let next = 1 - current;
        let mut child = Command::new(BIN)
            .args(["build", "--root"])
            .arg(&libs[next])
            .arg("--out")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if round % 2 == 1 {
            // Wait for this build's temporary folder (named with its process id), so the
            // kill lands while the site is written.
            let own = format!("covermap-tmp-{}-", child.id());
            let started = Instant::now();
            while !leftovers(&work).iter().any(|n| n.contains(&own))
                && child.try_wait().unwrap().is_none()
                && started.elapsed() < Duration::from_secs(30)
            {
                std::thread::sleep(Duration::from_micros(200));
            }
            std::thread::sleep(Duration::from_micros(rng.below(max_delay / 2)));
        } else {
            std::thread::sleep(Duration::from_micros(rng.below(max_delay)));
        }
        let _ = child.kill(); // SIGKILL; an error means it had already finished.
        let status = child.wait().unwrap();

        let now = tree(&out);
        if now == sites[current] {
            old_kept += 1;
        } else if now == sites[next] {
            new_in_place += 1;
            current = next;
        } else {
            let only_in_now: Vec<_> = now
                .keys()
                .filter(|k| !sites[current].contains_key(*k) && !sites[next].contains_key(*k))
                .take(5)
                .collect();
            panic!(
                "round {round} (seed {seed}, {status}): the output is neither the old site nor \
                 the new one: {} files, e.g. foreign {only_in_now:?}",
                now.len()
            );
        }
        if !leftovers(&work).is_empty() {
            mid_write += 1;
        }
    }

    // The next build succeeds, cleans up after the killed ones and is the right site.
    let next = 1 - current;
    let done = build(&libs[next], &out);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(tree(&out), sites[next]);
    assert_eq!(leftovers(&work), Vec::<String>::new());
    eprintln!(
        "{rounds} kills (seed {seed}, builds take {build_time:?}): old site kept {old_kept}, \
         new site in place {new_in_place}, {mid_write} left a temporary folder behind"
    );
    assert!(
        mid_write > 0,
        "no kill landed while the site was being written; the test proved nothing"
    );
}

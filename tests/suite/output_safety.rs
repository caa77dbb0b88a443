//! `build` never deletes or overwrites anything outside its output folder: through the
//! real binary, every output folder it must refuse (the root, a folder holding it, the
//! sources, paths reaching them through `..` or a symlink, a folder or file of the
//! user's) is refused with exit 2 and a message saying what to do, and the whole
//! surrounding folder is byte-identical afterwards.

use crate::common::{Run, copy_dir, covermap, entries as tree, fixtures};
use std::fs;
use std::path::{Path, PathBuf};

fn build(root: &Path, out: &Path) -> Run {
    covermap([
        "build".as_ref(),
        "--root".as_ref(),
        root.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
}

#[test]
fn refused_output_folders_leave_everything_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path();
    let root = base.join("lib");
    copy_dir(&fixtures().join("valid-small"), &root);
    fs::create_dir_all(root.join("static")).unwrap();
    fs::write(root.join("static/logo.svg"), "<svg/>").unwrap();
    fs::create_dir_all(base.join("mine")).unwrap();
    fs::write(base.join("mine/notes.txt"), "my notes").unwrap();
    fs::write(base.join("mine/\u{1b}[2Jevil.txt"), "x").unwrap();
    fs::write(base.join("a-file"), "mine").unwrap();
    std::os::unix::fs::symlink(root.join("content"), base.join("content-link")).unwrap();
    let before = tree(base);

    let cases: Vec<(PathBuf, &str)> = vec![
        (root.clone(), "it is the library root"),
        (base.to_path_buf(), "it is the library root"),
        (root.join("content/.."), "it is the library root"),
        (root.join("public/../../lib"), "it is the library root"),
        (PathBuf::from("/"), "it is the library root"),
        (root.join("content"), "inside or holds the library's"),
        (root.join("content/site"), "inside or holds the library's"),
        (
            root.join("x/../content/site"),
            "inside or holds the library's",
        ),
        (root.join("static"), "inside or holds the library's"),
        (
            base.join("content-link/out"),
            "inside or holds the library's",
        ),
        (base.join("mine"), "it holds files covermap did not write"),
        (base.join("a-file"), "it is a file, not a folder"),
    ];
    for (out, why) in &cases {
        let o = build(&root, out);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{}: {err}", out.display());
        assert!(
            err.contains("refusing to write to"),
            "{}: {err}",
            out.display()
        );
        assert!(err.contains(why), "{}: {err}", out.display());
        assert!(
            err.contains("choose") && err.contains("--out"),
            "says what to do: {err}"
        );
        assert!(
            !err.contains('\u{1b}'),
            "a file name drove the terminal: {err:?}"
        );
        assert_eq!(tree(base), before, "{} changed something", out.display());
    }

    // A site it wrote itself is replaced, and what it did not write beside it is kept.
    let out = base.join("public");
    assert!(build(&root, &out).status.success());
    assert!(build(&root, &out).status.success());
    let mut after = tree(base);
    after.retain(|path, _| !path.starts_with("public"));
    assert_eq!(after, before);
}

//! Bundles every file of `agreements/` into the binary, so `takst` works
//! from any folder. The list is generated: no agreement is named in Rust.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new("agreements");
    println!("cargo:rerun-if-changed=agreements");
    let mut entries: Vec<(String, String)> = Vec::new();
    if let Ok(read) = std::fs::read_dir(dir) {
        for entry in read.flatten() {
            let path = entry.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if name.ends_with(".takst") || name.ends_with(".toml") {
                println!("cargo:rerun-if-changed={}", path.display());
                let absolute = std::fs::canonicalize(&path).unwrap_or(path.clone());
                entries.push((name.to_string(), absolute.display().to_string()));
            }
        }
    }
    entries.sort();
    let mut code =
        String::from("/// Every bundled file of `agreements/`: (file name, contents).\n");
    code.push_str("pub static BUNDLED: &[(&str, &str)] = &[\n");
    for (name, path) in &entries {
        let _ = writeln!(code, "    ({name:?}, include_str!({path:?})),");
    }
    code.push_str("];\n");
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| String::from("."));
    if let Err(e) = std::fs::write(Path::new(&out).join("bundled.rs"), code) {
        println!("cargo:warning=cannot write the bundle list: {e}");
    }
}

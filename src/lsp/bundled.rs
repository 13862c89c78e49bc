//! The bundled agreements as files an editor can open: go to definition into a bundled
//! base (`extends "national"`) lands in a read-only copy written once to a folder of the
//! system's temporary directory, named after the bundle's contents (so a takst with
//! other agreements writes other copies, and an old copy is never shown for a new one).

use std::path::PathBuf;
use std::sync::OnceLock;

use lsp_types::Url;

use crate::catalog;

/// What the name of a bundled file starts with in diagnostics (see `catalog`).
const BUNDLED_MARK: &str = "<bundled> ";

/// The folder of the copies, written the first time it is asked for (`None` if the
/// temporary directory cannot be written).
fn folder() -> Option<&'static PathBuf> {
    static FOLDER: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOLDER
        .get_or_init(|| {
            let files: Vec<(String, &str)> = catalog::bundled()
                .map(|(stem, _, text)| (format!("{stem}.takst"), text))
                .collect();
            let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
            for (name, text) in &files {
                for byte in name.bytes().chain(text.bytes()) {
                    hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
                }
            }
            let folder = std::env::temp_dir().join(format!("takst-bundled-{hash:016x}"));
            std::fs::create_dir_all(&folder).ok()?;
            for (name, text) in files {
                let path = folder.join(name);
                let same = std::fs::read_to_string(&path).is_ok_and(|t| t == text);
                if !same {
                    make_writable(&path);
                    std::fs::write(&path, text).ok()?;
                }
                make_read_only(&path);
            }
            Some(folder)
        })
        .as_ref()
}

fn make_read_only(path: &std::path::Path) {
    if let Ok(meta) = std::fs::metadata(path) {
        let mut permissions = meta.permissions();
        permissions.set_readonly(true);
        let _ = std::fs::set_permissions(path, permissions);
    }
}

fn make_writable(path: &std::path::Path) {
    if let Ok(meta) = std::fs::metadata(path) {
        let mut permissions = meta.permissions();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            permissions.set_mode(0o644);
        }
        #[cfg(not(unix))]
        permissions.set_readonly(false);
        let _ = std::fs::set_permissions(path, permissions);
    }
}

/// The file URI of a source as diagnostics name it: a bundled file's read-only copy, or
/// the file at a path (relative to the folder takst runs in).
pub fn uri_of(name: &str) -> Option<Url> {
    if let Some(file) = name.strip_prefix(BUNDLED_MARK) {
        return Url::from_file_path(folder()?.join(file)).ok();
    }
    let path = PathBuf::from(name);
    let path = match path.is_absolute() {
        true => path,
        false => std::env::current_dir().ok()?.join(path),
    };
    Url::from_file_path(path).ok()
}

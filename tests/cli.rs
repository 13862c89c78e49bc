//! Command-line cases as files: tests/cli/*.toml (arguments, exit code, output),
//! run against the real binary; and the README's tour, whose output is checked too.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .register_bin("takst", std::path::Path::new(env!("CARGO_BIN_EXE_takst")))
        .case("tests/cli/*.toml")
        .case("README.md");
}

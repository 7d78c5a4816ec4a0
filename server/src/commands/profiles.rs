//! `hecha profiles` and `hecha schema` (in progress).

#[derive(clap::Args)]
pub struct ProfilesArgs {}

pub fn run(_args: &ProfilesArgs) -> anyhow::Result<u8> {
    anyhow::bail!("not yet implemented")
}

pub fn print_schema() -> anyhow::Result<u8> {
    println!("{}", serde_json::to_string_pretty(&hecha_core::schema::model_schema())?);
    Ok(0)
}

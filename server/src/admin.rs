//! The administration commands that work on the database (`regard
//! create-user`, `regard verify-access-log`…); `serve`, `backup` and `restore`
//! are in `lib.rs` and `backup.rs`.

use std::io::BufRead;
use std::path::Path;

use anyhow::Context;
use regard_shared::api::NewMember;
use regard_shared::expertise::Specialty;
use regard_shared::OrganisationKind;

use crate::config::Command;
use crate::db::Db;
use crate::organisations::store;
use crate::prescription::keys::{Kek, Signer};
use crate::{audit, expertise, monitoring};

pub async fn run(db: Db, command: Command, data_dir: &Path, kek: Option<Kek>) -> anyhow::Result<()> {
    match command {
        Command::CreateOrganisation { name, kind } => {
            let org = store::create_organisation(&db, &name, kind).await?;
            println!("{}", org.id);
            Ok(())
        }
        Command::CreateUser { organisation, email, name, role } => {
            let org = store::find_organisation(&db, &organisation)
                .await?
                .with_context(|| format!("no organisation with id or name {organisation:?}"))?;
            let password = match std::env::var("REGARD_USER_PASSWORD") {
                Ok(password) => password,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            // The operator's way in (the first administrator): they type the
            // password; members after them are invited from the console.
            let member = NewMember { email, display_name: name, role };
            let user = store::create_user(&db, &org, member, Some(password)).await?;
            println!("{}", user.id);
            Ok(())
        }
        Command::ImportProtocol { organisation, file } => {
            let org = store::find_organisation(&db, &organisation)
                .await?
                .with_context(|| format!("no organisation with id or name {organisation:?}"))?;
            let json = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let protocol = monitoring::protocols::store(&db, &org.id, None, &json)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            println!("{} v{}", protocol.id, protocol.version);
            Ok(())
        }
        Command::LinkNursingHome { nursing_home, samu_centre } => {
            let find = |name: String| {
                let db = db.clone();
                async move {
                    store::find_organisation(&db, &name)
                        .await?
                        .with_context(|| format!("no organisation with id or name {name:?}"))
                }
            };
            let (home, centre) = (find(nursing_home).await?, find(samu_centre).await?);
            store::link_samu_centre(&db, &home, &centre).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{} calls {}", home.name, centre.name);
            Ok(())
        }
        Command::OfferExpertise { expert_site, specialty } => {
            let site = store::find_organisation(&db, &expert_site)
                .await?
                .with_context(|| format!("no organisation with id or name {expert_site:?}"))?;
            anyhow::ensure!(site.kind == OrganisationKind::ExpertSite, "{} is not an expert site", site.name);
            let specialty = Specialty::parse(&specialty)
                .with_context(|| format!("unknown specialty {specialty:?}: dermatology, stroke or general"))?;
            expertise::store::offer(&db, &site.id, specialty).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{} answers {} requests", site.name, specialty.as_str());
            Ok(())
        }
        Command::ConnectPacs { organisation, url, username } => {
            let org = store::find_organisation(&db, &organisation)
                .await?
                .with_context(|| format!("no organisation with id or name {organisation:?}"))?;
            let password = std::env::var("REGARD_PACS_PASSWORD").ok();
            let connection = expertise::pacs::store::Connection { base_url: url, username, password };
            expertise::pacs::store::connect(&db, &org.id, &connection).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{} fetches series from {}", org.name, connection.base_url);
            Ok(())
        }
        Command::RotatePrescriptionKey => {
            println!("{}", Signer::rotate(&db, kek, data_dir).await?);
            Ok(())
        }
        Command::VerifyAccessLog => {
            let verdict = audit::verify(&db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{} rows checked, {} from before the chain", verdict.checked, verdict.unchained);
            match verdict.broken_at {
                None => {
                    println!("The chain is intact. Head: {}", verdict.head);
                    Ok(())
                }
                Some(0) => anyhow::bail!("the last rows were removed: the head no longer matches the last row"),
                Some(seq) => {
                    anyhow::bail!("the chain breaks at row {seq}: it, or the row before it, was altered or deleted")
                }
            }
        }
        Command::Serve(_) | Command::Backup { .. } | Command::Restore { .. } => {
            anyhow::bail!("not an administration command")
        }
    }
}

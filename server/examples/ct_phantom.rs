//! Writes the synthetic head CT (`regard_server::expertise::phantom`) as a zip
//! of DICOM files, in reverse order so that a reader must sort the slices:
//! `ct_phantom OUT.zip [SLICES] [SIZE]` (200 slices of 512 × 512 by default),
//! or as loose files `OUT/IM0001.dcm`… when OUT is a directory. The browser
//! tests of the series viewer and its benchmark send it.

use std::io::Write;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args.next().ok_or_else(|| anyhow::anyhow!("usage: ct_phantom OUT.zip [SLICES] [SIZE]"))?;
    let count: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(200);
    let size: u16 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(512);
    let files = regard_server::expertise::phantom::head_ct(count, size);
    if std::path::Path::new(&out).is_dir() {
        for (n, file) in files.iter().enumerate() {
            std::fs::write(std::path::Path::new(&out).join(format!("IM{:04}.dcm", n + 1)), file)?;
        }
        return Ok(());
    }
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&out)?);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6));
    for (n, file) in files.iter().enumerate().rev() {
        zip.start_file(format!("CT/IM{:04}", n + 1), options)?;
        zip.write_all(file)?;
    }
    zip.finish()?;
    Ok(())
}

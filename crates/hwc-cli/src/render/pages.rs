//! Pages printed as they arrive, with a progress bar on a terminal; one page at once.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use futures::StreamExt;
use futures::stream::BoxStream;
use hwc::Page;
use indicatif::{ProgressBar, ProgressStyle};

use super::format::Output;
use super::printer::Printer;
use super::resume::Resume;
use super::rows::{Layout, Row, Tabular};
use crate::exit::Failure;

/// One page, printed at once.
pub fn print_page<R: Tabular>(
    items: Vec<R>,
    total: Option<u64>,
    format: Output,
) -> Result<(), Failure> {
    let stdout = std::io::stdout().lock();
    let mut printer = Printer::<_, R>::new(format, R::layout(), stdout)?;
    printer.push(items)?;
    printer.finish(total)?;
    Ok(())
}

/// Every page, printed as it arrives; a progress bar on a terminal; Ctrl-C stops between pages.
/// With `resume`, an interrupted or failed run says how to go on from where it stopped.
pub async fn print_pages<T: Row, W: Write>(
    mut pages: BoxStream<'static, Result<Page<T>, hwc::Error>>,
    format: Output,
    layout: Layout,
    mut resume: Option<Resume>,
    out: W,
    mut select: impl FnMut(&T) -> bool,
) -> Result<(), Failure> {
    let mut printer = Printer::<_, T>::new(format, layout, out)?;
    let progress = progress_bar();
    let mut total = None;
    let interrupt = crate::interrupt::requested();
    tokio::pin!(interrupt);
    loop {
        let page = tokio::select! {
            page = pages.next() => page,
            _ = &mut interrupt => {
                progress.abandon();
                // What was printed is whole lines; the rest is not printed.
                printer.abandon(total)?;
                if let Some(resume) = &resume {
                    resume.tell();
                }
                return Err(Failure::Interrupted);
            }
        };
        let Some(page) = page else { break };
        let page = match page {
            Ok(page) => page,
            // A dry run's description is the whole output: nothing was fetched to print.
            Err(error @ hwc::Error::DryRun { .. }) => {
                progress.finish_and_clear();
                return Err(error.into());
            }
            Err(error) => {
                progress.abandon();
                // A JSON document stays valid, and says it is not complete.
                let _ = printer.abandon(total);
                if let Some(resume) = &resume {
                    resume.tell();
                }
                return Err(error.into());
            }
        };
        // Where the next page starts, counted before any record is left out of the output.
        if let Some(resume) = &mut resume {
            resume.next_item = Some(page.offset + page.items.len() as u64);
        }
        if total.is_none() {
            total = page.total;
            if let Some(total) = total {
                progress.set_length(total);
            }
        }
        progress.inc(page.items.len() as u64);
        let mut items = page.items;
        items.retain(|item| select(item));
        printer.push(items)?;
    }
    progress.finish_and_clear();
    printer.finish(total)?;
    Ok(())
}

/// A bar on stderr when it is a terminal outside CI; hidden otherwise.
fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} records  {per_sec}  {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

//! Whole-site enrichment: sections and reading order from the outlined notes, and resolution of
//! the links between notes, folders, headings and assets.

pub mod links;
pub mod site;

//! One module per subcommand: each turns parsed arguments into a run and an exit status.

pub mod build;
pub mod check;
pub mod init;
pub mod serve;

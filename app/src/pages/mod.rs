pub mod account_link;
pub mod console;
pub mod forgot_password;
pub mod login;
pub mod not_found;
pub mod patient;

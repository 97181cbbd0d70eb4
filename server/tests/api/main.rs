//! The server's API tests: one binary, so the helpers in `common` are compiled
//! and linked once rather than once per file.

mod common;

mod account_links;
mod assist;
mod audit;
mod auth;
mod backup;
mod cli;
mod cluster;
mod connections;
mod consultation;
mod expertise;
mod expertise_video;
mod files;
mod http;
mod languages;
mod live;
mod metrics;
mod monitoring;
mod monitoring_list;
mod monitoring_scheduler;
mod national_id;
mod nursing_home;
mod on_call;
mod openapi;
mod organisations;
mod pacs;
mod patient_identity;
mod payment;
mod prescription;
mod psc;
mod relay;
mod requests;
mod second_factor;
mod series;
mod sessions;
mod shared_keys;
mod shared_store;
mod signalling;
mod silent;
mod sms_gateway;
mod storage;
mod stripe;
mod stroke;

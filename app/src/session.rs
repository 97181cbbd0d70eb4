//! The signed-in clinician, shared by the console's pages.

use leptos::prelude::*;
use regard_shared::api::Me;

/// `None` until the server has confirmed a session.
#[derive(Clone, Copy)]
pub struct Session(pub RwSignal<Option<Me>>);

pub fn provide_session() {
    provide_context(Session(RwSignal::new(None)));
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

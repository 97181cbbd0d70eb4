//! The root component: language, routes, and the frame shared by every page.

use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::components::console_shell::ConsoleShell;
use crate::components::language_picker::LanguagePicker;
use crate::components::language_switch::LanguageSwitch;
use crate::components::site_footer::SiteFooter;
use crate::components::site_header::SiteHeader;
use crate::language::{ConsoleLanguage, LanguageProvider, PatientLanguageProvider};
use crate::pages::account_link::AccountLinkPage;
use crate::pages::console::assist_case::AssistCase;
use crate::pages::console::assist_list::AssistDesk;
use crate::pages::console::assist_usage::AssistUsage;
use crate::pages::console::consultation_day::ConsultationDesk;
use crate::pages::console::consultation_room::ConsultationRoom;
use crate::pages::console::expertise_desk::ExpertiseDesk;
use crate::pages::console::expertise_new::NewExpertiseRequest;
use crate::pages::console::expertise_request::ExpertiseRequestPage;
use crate::pages::console::expertise_stroke_usage::StrokeUsage;
use crate::pages::console::followup::FollowUpPanel;
use crate::pages::console::home::ConsoleHome;
use crate::pages::console::monitoring_desk::MonitoringDesk;
use crate::pages::console::pharmacy::{PrescriptionCheck, PrescriptionLookup};
use crate::pages::console::resident::ResidentPage;
use crate::pages::console::residents::ResidentsPage;
use crate::pages::console::team::TeamPage;
use crate::pages::forgot_password::ForgotPasswordPage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFound;
use crate::pages::patient::consultation::ConsultationPage;
use crate::pages::patient::landing::PatientLanding;
use crate::pages::patient::monitoring::FollowUpPage;
use crate::session::provide_session;
use crate::texts::{tx, use_texts};

/// Every page but the caller's (`/v/{token}`, its own entry: see `caller.rs`).
#[component]
pub fn App() -> impl IntoView {
    provide_session();
    view! {
        <LanguageProvider>
            <Router>
                <Routes fallback=|| view! { <ConsoleFrame><NotFound /></ConsoleFrame> }>
                    <ParentRoute path=path!("") view=|| view! { <ConsoleFrame><Outlet /></ConsoleFrame> }>
                        <Route path=path!("/") view=|| view! { <Redirect path="/console" /> } />
                        <Route path=path!("/login") view=LoginPage />
                        <Route path=path!("/forgot") view=ForgotPasswordPage />
                        <Route path=path!("/account/:token") view=AccountLinkPage />
                        // One shell for every console page: see `console_shell.rs`.
                        <ParentRoute path=path!("/console") view=ConsoleShell>
                            <Route path=path!("") view=ConsoleHome />
                            <Route path=path!("assist") view=AssistDesk />
                            <Route path=path!("assist/usage") view=AssistUsage />
                            <Route path=path!("assist/:id") view=AssistCase />
                            <Route path=path!("consultations") view=ConsultationDesk />
                            <Route path=path!("consultations/:id") view=ConsultationRoom />
                            <Route path=path!("prescriptions") view=PrescriptionLookup />
                            <Route path=path!("monitoring") view=MonitoringDesk />
                            <Route path=path!("monitoring/:id") view=FollowUpPanel />
                            <Route path=path!("expertise") view=ExpertiseDesk />
                            <Route path=path!("expertise/new") view=NewExpertiseRequest />
                            <Route path=path!("expertise/stroke-usage") view=StrokeUsage />
                            <Route path=path!("expertise/:id") view=ExpertiseRequestPage />
                            <Route path=path!("residents") view=ResidentsPage />
                            <Route path=path!("residents/:id") view=ResidentPage />
                            <Route path=path!("team") view=TeamPage />
                        </ParentRoute>
                        // The address a prescription's QR code holds, scanned by a pharmacist.
                        <ParentRoute path=path!("/rx") view=ConsoleShell>
                            <Route path=path!(":id") view=PrescriptionCheck />
                        </ParentRoute>
                    </ParentRoute>
                    <ParentRoute path=path!("") view=|| view! { <PatientFrame><Outlet /></PatientFrame> }>
                        <Route path=path!("/p") view=PatientLanding />
                        <Route path=path!("/c/:token") view=ConsultationPage />
                        <Route path=path!("/m") view=FollowUpPage />
                        <Route path=path!("/m/:token") view=FollowUpPage />
                    </ParentRoute>
                </Routes>
            </Router>
        </LanguageProvider>
    }
}

/// The console's pages (and the patient pages not yet in every patient
/// language): its French/English switch.
#[component]
fn ConsoleFrame(children: Children) -> impl IntoView {
    view! {
        <ConsoleLanguage />
        <SkipLink />
        <SiteHeader>
            <LanguageSwitch />
        </SiteHeader>
        <main id="main" tabindex="-1">{children()}</main>
        <SiteFooter />
    }
}

/// A patient's pages: in the patient's language, with the list of every one.
#[component]
fn PatientFrame(children: Children) -> impl IntoView {
    view! {
        <PatientLanguageProvider>
            <SkipLink />
            <SiteHeader>
                <LanguagePicker />
            </SiteHeader>
            <main id="main" tabindex="-1">{children()}</main>
            <SiteFooter />
        </PatientLanguageProvider>
    }
}

/// Lets keyboard and screen-reader users jump over the header.
#[component]
pub fn SkipLink() -> impl IntoView {
    let texts = use_texts();
    view! { <a class="skip-link" href="#main">{move || tx!(texts, common.skip_to_content)}</a> }
}

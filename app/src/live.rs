//! The console's live channel: one WebSocket (`/ws/console`) per open console,
//! opened by the console's shell, over which the server pushes what changed.
//! Pages do not poll: they fetch once, then again when news concern them or
//! when the channel comes back (what happened while it was down was not sent).
//!
//! While the channel is down the shell says so, so that a quiet screen is
//! never taken for a quiet night.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::api::Me;
use regard_shared::live::{LiveMessage, News, SILENCE_LIMIT_SECS};
use regard_shared::ErrorCode;
use wasm_bindgen::prelude::*;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use crate::api::{self, Failure};
use crate::media::{after, jittered};

/// Where the channel stands, as the console shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Up,
    /// Closed or silent: reconnecting. The console says so.
    Lost,
}

/// What a listener hears: news, or `None` when it must fetch everything again
/// (the channel (re)opened, or news were dropped).
type Listener = Rc<dyn Fn(Option<&News>)>;
type Handler = Closure<dyn FnMut(JsValue)>;

/// First and longest wait before reconnecting.
const RETRY_FIRST_MS: i32 = 500;
const RETRY_MAX_MS: i32 = 5000;
/// How often the channel checks that the server still speaks.
const WATCH_MS: i32 = 5000;

struct Inner {
    url: String,
    ws: RefCell<Option<WebSocket>>,
    handlers: RefCell<Vec<Handler>>,
    listeners: RefCell<Vec<(u64, Listener)>>,
    next_listener: Cell<u64>,
    closed: Cell<bool>,
    retry_ms: Cell<i32>,
    /// `Date.now()` of the last frame heard.
    heard_at: Cell<f64>,
    link: RwSignal<Link>,
    /// Told what the server says of the session after the channel dropped.
    on_session: Box<dyn Fn(Result<Me, Failure>)>,
}

#[derive(Clone)]
struct Channel(Rc<Inner>);

/// The console's handle on the channel, given to its pages as context.
#[derive(Clone, Copy)]
pub struct Live {
    pub link: RwSignal<Link>,
    channel: StoredValue<Channel, LocalStorage>,
}

/// Opens the channel for the console being shown, closes it when the console
/// goes (signed out, locked). `on_session` learns of an ended or locked session.
pub fn provide_live(on_session: impl Fn(Result<Me, Failure>) + 'static) -> Live {
    let location = web_sys::window().expect("a window").location();
    let scheme = if location.protocol().unwrap_or_default() == "https:" { "wss" } else { "ws" };
    let host = location.host().unwrap_or_default();
    let link = RwSignal::new(Link::Connecting);
    let channel = Channel(Rc::new(Inner {
        url: format!("{scheme}://{host}/ws/console"),
        ws: RefCell::default(),
        handlers: RefCell::default(),
        listeners: RefCell::default(),
        next_listener: Cell::new(0),
        closed: Cell::new(false),
        retry_ms: Cell::new(RETRY_FIRST_MS),
        heard_at: Cell::new(js_sys::Date::now()),
        link,
        on_session: Box::new(on_session),
    }));
    channel.connect();
    channel.watch();
    let live = Live { link, channel: StoredValue::new_local(channel) };
    on_cleanup(move || live.channel.with_value(Channel::close));
    provide_context(live);
    live
}

/// Calls `reload` when news `concern` the calling component, and whenever the
/// channel (re)opens. Nothing happens outside a console (no channel there).
pub fn on_news(concerns: impl Fn(&News) -> bool + 'static, reload: impl Fn() + 'static) {
    listen(Rc::new(move |news| {
        if news.is_none_or(&concerns) {
            reload();
        }
    }));
}

/// Calls `hear` with each news as it comes (not when the channel reopens):
/// for what is said once and not fetched again, such as a specialist's ask.
pub fn on_each_news(hear: impl Fn(&News) + 'static) {
    listen(Rc::new(move |news| {
        if let Some(news) = news {
            hear(news);
        }
    }));
}

fn listen(listener: Listener) {
    let Some(live) = use_context::<Live>() else { return };
    let id = live.channel.with_value(|channel| channel.listen(listener));
    on_cleanup(move || {
        live.channel.try_with_value(|channel| channel.forget(id));
    });
}

/// The channel's state, for components that show it; `Up` outside a console.
pub fn use_link() -> Signal<Link> {
    match use_context::<Live>() {
        Some(live) => live.link.into(),
        None => Signal::stored(Link::Up),
    }
}

impl Channel {
    fn listen(&self, listener: Listener) -> u64 {
        let id = self.0.next_listener.get();
        self.0.next_listener.set(id + 1);
        self.0.listeners.borrow_mut().push((id, listener));
        id
    }

    fn forget(&self, id: u64) {
        self.0.listeners.borrow_mut().retain(|(other, _)| *other != id);
    }

    fn tell(&self, news: Option<&News>) {
        // Cloned first: a listener may mount or unmount others.
        let listeners: Vec<Listener> = self.0.listeners.borrow().iter().map(|(_, l)| l.clone()).collect();
        for listener in listeners {
            listener(news);
        }
    }

    fn connect(&self) {
        let Ok(ws) = WebSocket::new(&self.0.url) else {
            self.dropped(false);
            return;
        };
        let this = self.clone();
        let on_message = Handler::new(move |event: JsValue| {
            this.0.heard_at.set(js_sys::Date::now());
            let Some(text) = event.dyn_ref::<MessageEvent>().and_then(|e| e.data().as_string()) else { return };
            match serde_json::from_str::<LiveMessage>(&text) {
                Ok(LiveMessage::Welcome) => {
                    this.0.retry_ms.set(RETRY_FIRST_MS);
                    this.0.link.set(Link::Up);
                    this.tell(None);
                }
                Ok(LiveMessage::Resync) => this.tell(None),
                Ok(LiveMessage::News { news }) => this.tell(Some(&news)),
                Ok(LiveMessage::Heartbeat) | Err(_) => {}
            }
        });
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let this = self.clone();
        let on_close = Handler::new(move |event: JsValue| {
            // 4401: the server closed it because the session ended or locked.
            let ended = event.dyn_ref::<CloseEvent>().is_some_and(|e| e.code() == 4401);
            this.dropped(ended);
        });
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        self.0.heard_at.set(js_sys::Date::now());
        *self.0.ws.borrow_mut() = Some(ws);
        *self.0.handlers.borrow_mut() = vec![on_message, on_close];
    }

    /// Forgets the socket without waiting for its close handshake.
    fn detach(&self) {
        if let Some(ws) = self.0.ws.borrow_mut().take() {
            ws.set_onclose(None);
            ws.set_onmessage(None);
            let _ = ws.close();
        }
        let handlers = std::mem::take(&mut *self.0.handlers.borrow_mut());
        // Not dropped inside one of them.
        after(0, move || drop(handlers));
    }

    /// The socket closed or fell silent: say so, then ask the server about the
    /// session before opening another (a refused upgrade does not say why).
    fn dropped(&self, session_ended: bool) {
        self.detach();
        if self.0.closed.get() {
            return;
        }
        self.0.link.set(Link::Lost);
        let delay = if session_ended { 0 } else { jittered(self.0.retry_ms.get()) };
        self.0.retry_ms.set((self.0.retry_ms.get() * 2).min(RETRY_MAX_MS));
        let this = self.clone();
        after(delay, move || {
            if this.0.closed.get() {
                return;
            }
            spawn_local(async move {
                let me = api::me().await;
                if this.0.closed.get() {
                    return;
                }
                match &me {
                    Ok(me) if !me.locked => this.connect(),
                    Err(Failure::Network) => this.dropped(false),
                    Err(Failure::Api(e)) if e.code != ErrorCode::Unauthenticated => this.dropped(false),
                    // Signed out or locked: the shell takes it from here.
                    _ => {}
                }
                (this.0.on_session)(me);
            });
        });
    }

    /// A link that died silently (a sleeping laptop, a dropped Wi-Fi) closes
    /// nothing: past two missed heartbeats it counts as lost.
    fn watch(&self) {
        let this = self.clone();
        after(WATCH_MS, move || {
            if this.0.closed.get() {
                return;
            }
            let silent_ms = js_sys::Date::now() - this.0.heard_at.get();
            if this.0.ws.borrow().is_some() && silent_ms > (SILENCE_LIMIT_SECS * 1000) as f64 {
                this.dropped(false);
            }
            this.watch();
        });
    }

    fn close(&self) {
        self.0.closed.set(true);
        self.detach();
        self.0.listeners.borrow_mut().clear();
    }
}

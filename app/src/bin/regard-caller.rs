//! The caller's video-assist page alone, as small as it can be (see lib.rs).

fn main() {
    regard_app::start_caller();
}

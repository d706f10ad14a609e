//! Data tables on narrow screens.

use leptos::prelude::*;

/// Holds a data table that can be wider than a phone's screen: the table
/// scrolls sideways inside this box and the page does not (WCAG 1.4.10,
/// Reflow). The box is a named region in the tab order, so a keyboard can
/// scroll it and a screen reader says what it holds.
#[component]
pub fn TableScroll(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! { <div class="table-scroll" role="region" aria-label=label tabindex="0">{children()}</div> }
}

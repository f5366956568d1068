//! Pagination: list operations know how to ask for the page after a given one.

use crate::Operation;

/// The four ways Intercom's list operations paginate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaginationStyle {
    /// `starting_after` in the query, the next cursor in `pages.next.starting_after`.
    Cursor,
    /// `page` in the query, `pages.page` of `pages.total_pages` in the response.
    PageNumber,
    /// `scroll_param` in the query and in the response; the scroll ends with an empty page.
    Scroll,
    /// `pagination.starting_after` in the POST body, the next cursor in
    /// `pages.next.starting_after`.
    Search,
}

/// A list operation that pages through results. Generated for every operation whose spec
/// structure shows one of the [`PaginationStyle`]s; walk it with
/// [`Client::pages`](crate::Client::pages) or [`Client::items`](crate::Client::items), or by
/// hand with [`next_page`](Paginated::next_page).
pub trait Paginated: Operation + Clone {
    /// One result of a page.
    type Item;
    /// How this operation paginates.
    const STYLE: PaginationStyle;

    /// The results of a page.
    fn items(page: Self::Output) -> Vec<Self::Item>;

    /// The number of results on a page, without consuming it.
    fn item_count(page: &Self::Output) -> usize;

    /// The operation that fetches the page after `page`, or `None` when `page` is the last.
    fn next_page(&self, page: &Self::Output) -> Option<Self>;
}

/// The next page number, when `current` is before `total`.
pub fn next_page_number(current: i64, total: i64) -> Option<i64> {
    (current < total).then_some(current + 1)
}

/// A cursor, unless it is empty.
pub fn non_empty(cursor: &str) -> Option<String> {
    (!cursor.is_empty()).then(|| cursor.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_stop_at_the_total() {
        assert_eq!(next_page_number(1, 3), Some(2));
        assert_eq!(next_page_number(3, 3), None);
        assert_eq!(next_page_number(4, 3), None);
        assert_eq!(non_empty(""), None);
    }
}

//! The school leadership's pages and the JSON routes behind them: the
//! deputy head decides a teacher's request to reopen a journal on the page,
//! closes and reopens a reporting period through JSON and through the
//! confirmation forms, opens any journal of the school, and gives a lesson
//! a substitute, another room or cancels it, which the family's week shows;
//! keeps bells, the weekly timetable and holidays and builds lessons, by
//! JSON and by form; a teacher is refused each of those actions.

mod changes;
mod periods;
mod reopen;
mod school;
mod timetable_api;
mod timetable_pages;

// Package contactsync keeps ringcard's store and the office's shared Google
// Contacts account in two-way sync through the People API
// (google.golang.org/api/people/v1).
//
// The folder is sync/ but the package is named contactsync so importers do
// not shadow the standard library's sync package.
//
// How it works, in one cycle (Engine.RunOnce), by one writer at a time:
//   - pull: contact groups, then contacts, incrementally with sync tokens
//     (a full listing on the first run or when Google expires the token);
//     each Google contact is merged field by field against the last
//     version seen (the base, kept in sync_base), so changes on both sides
//     survive and a field both sides changed is kept twice and recorded as
//     a conflict;
//   - push: the outbox, written by the store in the same transaction as
//     every local change, is replayed with the batch methods (200
//     contacts a request), staff's changes before bulk jobs' (imports);
//     each update carries the etag it was based on, and a stale etag
//     means fetch, merge, retry.
//
// Every request waits for the pace (a per-minute budget under Google's
// per-user quota, halved on a 429), so a bulk job never runs into the
// quota and never holds a staff member's note back for long.
//
// Pulling before pushing is what makes a crash harmless: a contact created
// in Google just before a crash carries ringcard's ID in its clientData,
// so the next pull links it instead of creating it twice.
package contactsync

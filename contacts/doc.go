// Package contacts is ringcard's domain: contacts as Google Contacts holds
// them, phone-number normalization, a contact's history (calls, notes and
// stage changes), devices, card templates and the card built from them.
//
// It does no I/O. The SQLite store, the HTTP and websocket server and the
// Google sync engine are adapters around it.
package contacts

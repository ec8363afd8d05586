// Package messages is the domain of messages to clients: SMS sent by the
// office's own phones from their work SIMs, and e-mail through the office's
// mail account. It does no I/O: it counts SMS segments as a phone sends
// them, plans a group send over SIMs within their caps and the office's
// hours, fills templates and recognises opt-out replies. The store keeps
// messages (contacts/sqlite), the server dispatches them (server/messaging).
package messages

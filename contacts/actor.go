package contacts

import "context"

// Actor kinds: who made a change.
const (
	ActorDevice = "device" // a paired phone
	ActorUser   = "user"   // an office user in the web view
	ActorSync   = "sync"   // the Google sync engine
	ActorCLI    = "cli"    // an admin command
	ActorSystem = "system" // ringcard itself (demo data, migrations)
)

// Actor is who makes a change; the store writes it to the audit log.
type Actor struct {
	Kind string
	// ID tells actors of a kind apart for sure: a device's ID, an office
	// user's login (unique; the Name is free text two accounts may share),
	// the operating-system account that ran a command.
	ID   string
	Name string
	// Address is where a web request came from (the client's IP), "" for
	// the rest.
	Address string
}

type actorKey struct{}

// WithActor returns a context that carries who is acting.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or the system actor.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Kind: ActorSystem, Name: "ringcard"}
}

// Command fcmstub serves the FCM stand-in (package fcmstub), for trying
// ringcard's push without a Firebase account:
//
//	go run ./server/push/fcmstub/cmd/fcmstub --addr 127.0.0.1:9200 --unregistered dead-token
//	RINGCARD_FCM_PROJECT_ID=ringcard-try RINGCARD_FCM_ENDPOINT=http://127.0.0.1:9200/v1 ringcard serve
//
// It prints the settings that point ringcard at it and logs every message
// it receives (token, priority, TTL, collapse key, data), which is what a
// phone would get. No service-account key is needed: ringcard sends without
// authentication when fcm.endpoint is set and fcm.credentials_file is not.
// Messages are kept in memory and are gone when it stops.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ringcard/ringcard/server/push/fcmstub"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "fcmstub:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	addr         string
	project      string
	unregistered string
	fails        failList
	retryAfter   time.Duration
	delay        time.Duration
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("fcmstub", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:9200", "listen address (port 0 picks a free one)")
	fs.StringVar(&o.project, "project", "ringcard-try", "project id to print in the ringcard settings (any id is accepted)")
	fs.StringVar(&o.unregistered, "unregistered", "", "comma-separated tokens answered with 404 UNREGISTERED, as for an uninstalled app")
	fs.Var(&o.fails, "fail", "fail the next N sends with KIND, as KIND or KIND:N (repeatable; kinds: "+kindNames()+")")
	fs.DurationVar(&o.retryAfter, "retry-after", 0, "Retry-After sent with the --fail answers (e.g. 30s)")
	fs.DurationVar(&o.delay, "delay", 0, "wait this long before answering each request")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return o, nil
}

// run serves the stand-in until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	stub := fcmstub.New()
	var tokens []string
	for t := range strings.SplitSeq(o.unregistered, ",") {
		if t = strings.TrimSpace(t); t != "" {
			stub.Unregister(t)
			tokens = append(tokens, t)
		}
	}
	for _, f := range o.fails {
		stub.FailNext(f.n, f.kind, o.retryAfter)
	}
	stub.SetDelay(o.delay)

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	srv := &http.Server{Handler: newLogged(stub, log), ReadHeaderTimeout: 10 * time.Second}
	printSettings(stdout, endpoint(ln.Addr()), o, tokens)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// endpoint is the base URL ringcard's fcm.endpoint takes; a wildcard
// listen address is reached on the loopback.
func endpoint(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String() + "/v1"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/v1"
}

func printSettings(w io.Writer, endpoint string, o options, unregistered []string) {
	project := o.project
	fmt.Fprintf(w, "FCM stand-in listening: %s/projects/%s/messages:send\n\n", endpoint, project)
	fmt.Fprintf(w, "Point ringcard at it (no service-account key needed) with the environment:\n\n")
	fmt.Fprintf(w, "  RINGCARD_FCM_PROJECT_ID=%s RINGCARD_FCM_ENDPOINT=%s ringcard serve\n\n", project, endpoint)
	fmt.Fprintf(w, "or in ringcard.json:\n\n")
	fmt.Fprintf(w, "  { \"fcm\": { \"project_id\": %q, \"endpoint\": %q } }\n\n", project, endpoint)
	if len(unregistered) > 0 {
		fmt.Fprintf(w, "Answered UNREGISTERED: %s\n\n", strings.Join(unregistered, ", "))
	}
	if len(o.fails) > 0 {
		fmt.Fprintf(w, "The next sends fail: %s (Retry-After: %s)\n\n", o.fails.String(), o.retryAfter)
	}
	if o.delay > 0 {
		fmt.Fprintf(w, "Each answer waits %s.\n\n", o.delay)
	}
	fmt.Fprintf(w, "Each message a phone would get is logged below.\n")
}

// fail is one --fail flag.
type fail struct {
	kind fcmstub.ErrorKind
	n    int
}

// failList collects repeated --fail flags.
type failList []fail

func (l *failList) String() string {
	var parts []string
	for _, f := range *l {
		parts = append(parts, fmt.Sprintf("%s:%d", f.kind, f.n))
	}
	return strings.Join(parts, ",")
}

func (l *failList) Set(v string) error {
	kind, count, hasCount := strings.Cut(v, ":")
	f := fail{kind: fcmstub.ErrorKind(strings.ToUpper(kind)), n: 1}
	if !f.kind.Known() {
		return fmt.Errorf("unknown kind %q (want one of %s)", kind, kindNames())
	}
	if hasCount {
		n, err := strconv.Atoi(count)
		if err != nil || n < 1 {
			return fmt.Errorf("count %q: a positive number", count)
		}
		f.n = n
	}
	*l = append(*l, f)
	return nil
}

func kindNames() string {
	kinds := []fcmstub.ErrorKind{fcmstub.Unregistered, fcmstub.QuotaExceeded, fcmstub.Unavailable,
		fcmstub.Internal, fcmstub.InvalidArgument, fcmstub.SenderIDMismatch}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

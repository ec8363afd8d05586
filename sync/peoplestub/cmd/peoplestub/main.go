// Command peoplestub serves the People API stand-in, for trying ringcard's
// Google sync without a Google account:
//
//	go run ./sync/peoplestub/cmd/peoplestub -addr 127.0.0.1:9100 -seed 50
//	RINGCARD_GOOGLE_ENDPOINT=http://127.0.0.1:9100 RINGCARD_GOOGLE_NO_AUTH=true ringcard serve
//
// Its contacts live in memory and are gone when it stops.
package main

import (
	"flag"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/ringcard/ringcard/sync/peoplestub"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9100", "listen address")
	seed := flag.Int("seed", 0, "start with this many generated contacts")
	quota := flag.Int("quota-per-minute", 0, "answer 429 RESOURCE_EXHAUSTED past this many requests a minute, as Google does (its default is 90 per user); 0: no quota")
	fullQuota := flag.Int("full-sync-quota-per-minute", 0, "extra quota on the first page of a full contacts listing; 0: none")
	flag.Parse()
	stub := peoplestub.New(peoplestub.Options{QuotaPerMinute: *quota, FullSyncQuotaPerMinute: *fullQuota})
	if *seed > 0 {
		if _, err := stub.Seed(*seed); err != nil {
			slog.Error("seed", "err", err)
			os.Exit(1)
		}
	}
	slog.Info("People API stand-in", "url", "http://"+*addr, "contacts", stub.Len(), "quota_per_minute", *quota)
	srv := &http.Server{Addr: *addr, Handler: stub, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		slog.Error("serve", "err", err)
		os.Exit(1)
	}
}

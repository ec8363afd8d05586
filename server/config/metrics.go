package config

import "fmt"

// Metrics configures who, besides a signed-in admin, may read
// /metrics (which this machine may always scrape) and /healthz's details.
type Metrics struct {
	// Token is a bearer token for a Prometheus on another machine
	// ("Authorization: Bearer <token>"); empty: none is accepted. Best
	// given as a file: RINGCARD_METRICS_TOKEN_FILE.
	Token string `json:"token"`
}

// minMetricsToken is the shortest token accepted: it guards every
// phone's and the sync's health from the whole network.
const minMetricsToken = 24

func (c *Metrics) validate() error {
	if c.Token != "" && len(c.Token) < minMetricsToken {
		return fmt.Errorf("metrics.token: at least %d characters (e.g. `openssl rand -hex 24`)", minMetricsToken)
	}
	return nil
}

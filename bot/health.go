package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// GatewayStatus reports the Discord gateway connection; *Bot implements it.
type GatewayStatus interface {
	Gateway() (state string, since time.Time, ok bool)
}

// IndexStatus reports the index; *knowledge/sqlite.Store implements it.
type IndexStatus interface {
	Stats(ctx context.Context) (docs, passages int, err error)
}

// Health is the body of /healthz.
type Health struct {
	// Status is "ok" (HTTP 200) or "unhealthy" (HTTP 503).
	Status  string        `json:"status"`
	Gateway GatewayHealth `json:"gateway"`
	Index   IndexHealth   `json:"index"`
}

// GatewayHealth is the gateway part of Health.
type GatewayHealth struct {
	OK    bool      `json:"ok"`
	State string    `json:"state"` // starting, connected, disconnected, stopped
	Since time.Time `json:"since"`
}

// IndexHealth is the index part of Health.
type IndexHealth struct {
	OK        bool   `json:"ok"`
	Documents int    `json:"documents"`
	Passages  int    `json:"passages"`
	Error     string `json:"error,omitempty"`
}

// HealthHandler serves /healthz: JSON saying whether the gateway is
// connected and the index answers and holds passages; 200 when both are
// healthy, 503 otherwise.
func HealthHandler(gw GatewayStatus, idx IndexStatus) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		var h Health
		h.Gateway.State, h.Gateway.Since, h.Gateway.OK = gw.Gateway()
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		docs, passages, err := idx.Stats(ctx)
		h.Index = IndexHealth{OK: err == nil && passages > 0, Documents: docs, Passages: passages}
		switch {
		case err != nil:
			h.Index.Error = err.Error()
		case passages == 0:
			h.Index.Error = "the index holds no passages"
		}
		status := http.StatusOK
		h.Status = "ok"
		if !h.Gateway.OK || !h.Index.OK {
			status, h.Status = http.StatusServiceUnavailable, "unhealthy"
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(h)
	})
	return mux
}

package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"secunion"
	"secunion/search"
)

type searchDone struct {
	Hits    int `json:"hits"`
	Systems int `json:"systems"`
}

// search runs a European Search Portal query. With Accept:
// application/x-ndjson the answers stream one JSON line per system
// ({"answer":…}) as each arrives, then {"done":…}; with text/event-stream
// they stream as Server-Sent Events "answer" and "done"; otherwise one JSON
// object holds every answer.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Portal == nil {
		writeError(w, r, secunion.Errorf(secunion.Unavailable, "this node runs no search portal"))
		return
	}
	var q search.Query
	if !s.decode(w, r, &q) {
		return
	}
	decl, prof := declOf(r)
	answers, err := s.cfg.Portal.Search(r.Context(), actorOf(r), decl, prof, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	accept := r.Header.Get("Accept")
	flusher, _ := w.(http.Flusher)
	var done searchDone
	switch {
	case strings.Contains(accept, "application/x-ndjson"):
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Header().Set("Cache-Control", "no-store")
		enc := json.NewEncoder(w)
		for a := range answers {
			done.Hits += len(a.Hits)
			done.Systems++
			enc.Encode(map[string]any{"answer": a})
			if flusher != nil {
				flusher.Flush()
			}
		}
		enc.Encode(map[string]any{"done": done})
	case strings.Contains(accept, "text/event-stream"):
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-store")
		for a := range answers {
			done.Hits += len(a.Hits)
			done.Systems++
			b, _ := json.Marshal(a)
			fmt.Fprintf(w, "event: answer\ndata: %s\n\n", b)
			if flusher != nil {
				flusher.Flush()
			}
		}
		b, _ := json.Marshal(done)
		fmt.Fprintf(w, "event: done\ndata: %s\n\n", b)
	default:
		all := []search.Answer{}
		for a := range answers {
			done.Hits += len(a.Hits)
			all = append(all, a)
		}
		writeJSON(w, http.StatusOK, map[string]any{"answers": all, "hits": done.Hits})
	}
}

package httpapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"secunion"
	"secunion/access"
)

// wrap applies a route's requirements: Bearer authentication, then the
// declaration of a purpose for routes on personal data, with the end user
// another node asks for (X-On-Behalf-Of), if any. Refusals of an
// authenticated caller are audited.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.auth {
			actor, err := s.authenticate(r)
			if err != nil {
				writeError(w, r, err)
				return
			}
			info(r).actor = actor
			r = r.WithContext(context.WithValue(r.Context(), actorKey{}, actor))
			if rt.purpose {
				decl, prof, err := access.Declare(actor, r.Header.Get("X-Purpose"), r.Header.Get("X-Justification"))
				if err == nil {
					decl.OnBehalfOf, err = access.ParseOnBehalfOf(r.Header.Get("X-On-Behalf-Of"))
				}
				if err != nil {
					refused := access.Declaration{Purpose: secunion.Purpose(r.Header.Get("X-Purpose"))}
					if derr := s.cfg.DB.RecordDenial(r.Context(), actor, refused, rt.method+" "+rt.path, secunion.MessageOf(err)); derr != nil {
						s.fail(w, r, derr)
						return
					}
					writeError(w, r, err)
					return
				}
				r = r.WithContext(context.WithValue(r.Context(), declKey{}, declared{decl, prof}))
			}
		}
		// Bound the time a request may take; writes already queued still
		// commit (the store ignores cancellation inside a transaction).
		// A whole hash list in or out gets longer, on its connection too,
		// past the server's read and write timeouts.
		limit := requestTimeout
		if rt.path == exportPath || rt.path == importPath {
			limit = listTransferTimeout
			rc := http.NewResponseController(w)
			if err := errors.Join(rc.SetReadDeadline(time.Now().Add(limit)), rc.SetWriteDeadline(time.Now().Add(limit))); err != nil {
				s.log.Error("a list transfer keeps the server's timeouts", "path", r.URL.Path, "err", err)
			}
		}
		ctx, cancel := context.WithTimeout(r.Context(), limit)
		defer cancel()
		rt.handler(w, r.WithContext(ctx))
	})
}

// requestTimeout bounds one API request.
const requestTimeout = 30 * time.Second

// authenticate returns the caller of a Bearer token. A presented but bad
// token is a security event and is audited; a missing one is not, as it
// is what every unauthenticated probe sends.
func (s *Server) authenticate(r *http.Request) (secunion.Actor, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return secunion.Actor{}, secunion.Errorf(secunion.Unauthenticated, "send an API token as Authorization: Bearer <token>")
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return secunion.Actor{}, secunion.Errorf(secunion.Unauthenticated, "the Authorization header must be Bearer <token>")
	}
	// Bad tokens from one address are throttled like failed logins: this
	// slows token guessing and bounds how fast anyone unauthenticated can
	// add entries to the permanent log.
	ip := "ip:" + RemoteHost(r)
	now := s.cfg.DB.Clock().Now()
	if wait := s.throttle.Wait(now, ip); wait > 0 {
		return secunion.Actor{}, secunion.Errorf(secunion.RateLimited, "too many bad tokens from your address: wait %d seconds", int(wait.Seconds()+0.999))
	}
	actor, err := s.cfg.DB.TokenActor(r.Context(), strings.TrimSpace(token))
	if secunion.CodeOf(err) == secunion.Unauthenticated {
		s.throttle.Fail(now, ip)
		if derr := s.cfg.DB.RecordDenial(r.Context(), secunion.Actor{}, access.Declaration{}, "API request with a bad token from "+RemoteHost(r), secunion.MessageOf(err)); derr != nil {
			return actor, derr
		}
	}
	return actor, err
}

// fail answers with err after logging its internals.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch secunion.CodeOf(err) {
	case secunion.Internal, secunion.Unavailable:
		s.log.Error("request failed", "request_id", info(r).id, "err", err)
	}
	writeError(w, r, err)
}

// RemoteHost returns the address of the client of r, without its port;
// an IPv6 client is keyed by its /64, which one user controls whole.
func RemoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return host
}

package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"secunion"
	"secunion/access"
)

// wrap applies a route's requirements: Bearer authentication, then one of
// the route's roles, then, for routes on personal data, a purpose the
// route takes with the end user another node asks for (X-On-Behalf-Of),
// if any. Every refusal of an authenticated caller is audited.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.implied != "" && r.Header.Get("X-Purpose") == "" {
			r.Header.Set("X-Purpose", string(rt.implied))
		}
		if rt.auth {
			actor, err := s.authenticate(r)
			if err != nil {
				writeError(w, r, err)
				return
			}
			info(r).actor = actor
			r = r.WithContext(context.WithValue(r.Context(), actorKey{}, actor))
			decl, prof, err := admit(rt, actor, r.Header)
			if err != nil {
				claimed := access.Declaration{Purpose: secunion.Purpose(r.Header.Get("X-Purpose")), Justification: r.Header.Get("X-Justification")}
				if derr := s.cfg.DB.RecordDenial(r.Context(), actor, claimed, rt.method+" "+rt.path, secunion.MessageOf(err)); derr != nil {
					s.fail(w, r, derr)
					return
				}
				writeError(w, r, err)
				return
			}
			if rt.purposes != nil {
				r = r.WithContext(context.WithValue(r.Context(), declKey{}, declared{decl, prof}))
			}
		}
		// Bound the time a request may take; writes already queued still
		// commit (the store ignores cancellation inside a transaction).
		// A whole hash list in or out, and an uploaded file, get longer,
		// on their connection too, past the server's read and write
		// timeouts.
		limit := requestTimeout
		switch {
		case rt.path == exportPath || rt.path == importPath:
			limit = listTransferTimeout
		case rt.request == "file":
			limit = UploadTimeout
		}
		if limit != requestTimeout {
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

// admit checks what a route needs of an authenticated caller beyond its
// token: one of the route's roles; an end user named (X-On-Behalf-Of) only
// by another node's service user, and always by it on personal data; and,
// for a route on personal data, a purpose the route takes and the
// caller's authority kind may declare, with its justification. It returns
// the declaration and the profile it grants.
func admit(rt route, actor secunion.Actor, h http.Header) (access.Declaration, access.Profile, error) {
	if !slices.ContainsFunc(rt.roles, actor.Has) {
		return access.Declaration{}, access.Profile{}, secunion.Errorf(secunion.Forbidden, "%s %s is for users with the role %s; you hold %s",
			rt.method, rt.path, strings.Join(rt.roles, " or "), strings.Join(actor.Roles, ", "))
	}
	onBehalf := h.Get("X-On-Behalf-Of")
	node := actor.Has(access.RoleNode)
	if onBehalf != "" && !node {
		return access.Declaration{}, access.Profile{}, secunion.Errorf(secunion.Forbidden, "X-On-Behalf-Of is sent only by another secunion node's service user (role node)")
	}
	if rt.purposes == nil {
		return access.Declaration{}, access.Profile{}, nil
	}
	decl, prof, err := access.Declare(actor, h.Get("X-Purpose"), h.Get("X-Justification"))
	if err != nil {
		return decl, prof, err
	}
	if !slices.Contains(rt.purposes, decl.Purpose) {
		return decl, prof, secunion.Errorf(secunion.Forbidden, "%s %s is for the purpose %s, not %s", rt.method, rt.path, joinPurposes(rt.purposes), decl.Purpose)
	}
	if decl.OnBehalfOf, err = access.ParseOnBehalfOf(onBehalf); err != nil {
		return decl, prof, err
	}
	if node && decl.OnBehalfOf == "" {
		return decl, prof, secunion.Errorf(secunion.Forbidden, "a node's service user names the end user it asks for: X-On-Behalf-Of: AUTHORITY/login")
	}
	return decl, prof, nil
}

func joinPurposes(ps []secunion.Purpose) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, " or ")
}

// requestTimeout bounds one API request.
const requestTimeout = 30 * time.Second

// BodyTimeout is how long a node waits for a request's headers and body
// (http.Server's ReadTimeout): a slower client is answered 408.
const BodyTimeout = 30 * time.Second

// UploadTimeout is how long an uploaded file may take to arrive: 50 MiB
// at 0.45 MB/s.
const UploadTimeout = 2 * time.Minute

// authenticate returns the caller of a Bearer token. A valid token is
// never refused for what others did: bad tokens are counted per client
// address and per token prefix (a client retrying one revoked token is
// slowed wherever it connects from), and only a bad token is throttled. A
// presented bad token is a security event and is audited, until its
// source is throttled, which bounds how fast anyone unauthenticated can
// add entries to the permanent log; a missing one is not, as it is what
// every unauthenticated probe sends.
func (s *Server) authenticate(r *http.Request) (secunion.Actor, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return secunion.Actor{}, secunion.Errorf(secunion.Unauthenticated, "send an API token as Authorization: Bearer <token>")
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return secunion.Actor{}, secunion.Errorf(secunion.Unauthenticated, "the Authorization header must be Bearer <token>")
	}
	token = strings.TrimSpace(token)
	actor, err := s.cfg.DB.TokenActor(r.Context(), token)
	if secunion.CodeOf(err) != secunion.Unauthenticated {
		return actor, err
	}
	host := RemoteHost(r)
	keys := []string{"ip:" + host, "token:" + access.HashSecret(token[:min(len(token), 16)])[:16]}
	now := s.cfg.DB.Clock().Now()
	if wait := s.throttle.Wait(now, keys...); wait > 0 {
		s.log.Warn("bad API token throttled", "remote", host)
		e := secunion.Errorf(secunion.RateLimited, "too many bad tokens from your address or with this token: wait %d seconds", seconds(wait))
		e.RetryAfter = wait
		return secunion.Actor{}, e
	}
	s.throttle.Fail(now, keys...)
	if derr := s.cfg.DB.RecordDenial(r.Context(), secunion.Actor{}, access.Declaration{}, "API request with a bad token from "+host, secunion.MessageOf(err)); derr != nil {
		return actor, derr
	}
	return actor, err
}

// seconds rounds a wait up to whole seconds, at least one.
func seconds(d time.Duration) int { return max(1, int((d+time.Second-1)/time.Second)) }

// fail answers with err after logging its internals. A refusal that the
// domain did not write to the audit log is written there first: every
// refusal of an authenticated caller is audited.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch secunion.CodeOf(err) {
	case secunion.Internal, secunion.Unavailable:
		s.log.Error("request failed", "request_id", info(r).id, "err", err)
	case secunion.Forbidden:
		if actor := actorOf(r); actor.Login != "" && !errors.Is(err, secunion.ErrAudited) {
			decl, _ := declOf(r)
			if derr := s.cfg.DB.RecordDenial(r.Context(), actor, decl, r.Method+" "+r.URL.Path, secunion.MessageOf(err)); derr != nil {
				s.log.Error("request failed", "request_id", info(r).id, "err", derr)
				err = derr
			}
		}
	}
	writeError(w, r, err)
}

// bodyError is the error of a request body that could not be read: too
// large (tooLarge says what the limit is), not arrived within timeout
// (answered 408), or cut short. Its message never holds the socket's
// addresses.
func bodyError(err error, tooLarge string, timeout time.Duration) error {
	var tooBig *http.MaxBytesError
	var netErr net.Error
	switch {
	case errors.As(err, &tooBig):
		return secunion.Errorf(secunion.TooLarge, "%s", tooLarge)
	case errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()):
		return &secunion.Error{Code: secunion.Invalid, Message: fmt.Sprintf("the request body did not arrive within %s: nothing was done; send it again, faster or in parts", timeout), Err: errTimedOut}
	}
	return secunion.Errorf(secunion.Invalid, "the request body broke off before its end: nothing was done; send it again")
}

// errTimedOut marks the error of a body that did not arrive in time,
// which HTTP answers 408.
var errTimedOut = errors.New("request body timed out")

// bodyReader keeps the error of reading a request's body, which a
// decoder or a list's reader would report as bad content.
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
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

package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"secunion"
	"secunion/alerts"
)

// StatusOf maps each error code to its HTTP status; the console uses it
// too.
var StatusOf = map[secunion.Code]int{
	secunion.Invalid:         http.StatusBadRequest,
	secunion.Unauthenticated: http.StatusUnauthorized,
	secunion.Forbidden:       http.StatusForbidden,
	secunion.NotFound:        http.StatusNotFound,
	secunion.Conflict:        http.StatusConflict,
	secunion.TooLarge:        http.StatusRequestEntityTooLarge,
	secunion.RateLimited:     http.StatusTooManyRequests,
	secunion.Unavailable:     http.StatusServiceUnavailable,
	secunion.Internal:        http.StatusInternalServerError,
}

// Three errors are not among the kernel's codes, being about HTTP itself: a
// body in a format the route does not take, a method the path does not
// have, and a body that did not arrive in time.
const (
	unsupportedMedia = "unsupported_media_type"
	methodNotAllowed = "method_not_allowed"
	requestTimedOut  = "request_timeout"
)

type errorBody struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		RequestID string `json:"request_id,omitempty"`
	} `json:"error"`
}

// createdStatus is the status of a put: 201 when it created the
// resource, 200 when the resource was there.
func createdStatus(created bool) int {
	if created {
		return http.StatusCreated
	}
	return http.StatusOK
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// writeError answers with the error's code and safe message; internals are
// logged by the caller's logger, never returned.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := secunion.CodeOf(err)
	var b errorBody
	b.Error.Code, b.Error.Message, b.Error.RequestID = string(code), secunion.MessageOf(err), info(r).id
	status := StatusOf[code]
	var e *secunion.Error
	switch {
	case code == secunion.Unauthenticated:
		w.Header().Set("WWW-Authenticate", `Bearer realm="secunion"`)
	case code == secunion.RateLimited:
		wait := time.Second
		if errors.As(err, &e) && e.RetryAfter > wait {
			wait = e.RetryAfter
		}
		w.Header().Set("Retry-After", strconv.Itoa(seconds(wait)))
	case errors.Is(err, errTimedOut):
		b.Error.Code, status = requestTimedOut, http.StatusRequestTimeout
		w.Header().Set("Connection", "close")
	case errors.Is(err, errNotAcceptable):
		b.Error.Code, b.Error.Message, status = "not_acceptable", "accept "+alerts.MediaType, http.StatusNotAcceptable
	}
	if strings.HasPrefix(r.URL.Path, "/taxii2/") {
		// TAXII 2.1 §3.6: the error message resource.
		writeTAXII(w, status, map[string]string{"title": b.Error.Message, "error_code": b.Error.Code,
			"http_status": strconv.Itoa(status), "request_id": b.Error.RequestID})
		return
	}
	writeJSON(w, status, b)
}

func writeUnsupported(w http.ResponseWriter, r *http.Request, msg string) {
	var b errorBody
	b.Error.Code, b.Error.Message, b.Error.RequestID = unsupportedMedia, msg, info(r).id
	writeJSON(w, http.StatusUnsupportedMediaType, b)
}

// decode reads one JSON object from r's body into v: the body must be
// application/json, within the size limit, a single value, and name no
// field that v lacks.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeUnsupported(w, r, "send the body as application/json")
		return false
	}
	body := &bodyReader{r: http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)}
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("trailing data after the JSON object")
		}
	}
	switch {
	case body.err != nil:
		writeError(w, r, bodyError(body.err, fmt.Sprintf("the body exceeds %d bytes", s.cfg.MaxBody), BodyTimeout))
	case err != nil:
		writeError(w, r, secunion.Errorf(secunion.Invalid, "malformed JSON body: %s", secunion.JSONProblem(err)))
	}
	return err == nil && body.err == nil
}

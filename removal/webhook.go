package removal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"secunion"
)

// The webhook protocol. secunion POSTs the order as JSON to the
// provider's webhook with these headers:
//
//	Idempotency-Key:     the order's ID, the same on every retry, so that
//	                     a provider acts on an order once
//	Secunion-Delivery:   a random nonce, new for each attempt
//	Secunion-Signature:  t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.nonce.body">
//
// The provider checks the signature with the shared secret and that t is
// within SignatureTolerance of its clock, and answers 2xx with an
// acknowledgement (Ack) signed with the same secret over the order, the
// nonce and its time of receipt. An acknowledgement that is unsigned,
// wrongly signed, or names another order or attempt (a replay) is not a
// receipt: the order stays waiting in the provider's inbox, and the
// attempt is audited.
const (
	HeaderIdempotency = "Idempotency-Key"
	HeaderDelivery    = "Secunion-Delivery"
	HeaderSignature   = "Secunion-Signature"
)

// SignatureTolerance is how far a webhook signature's time may be from
// the receiver's clock.
const SignatureTolerance = 5 * time.Minute

func mac(secret string, parts ...string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strings.Join(parts, ".")))
	return hex.EncodeToString(m.Sum(nil))
}

// Sign returns the Secunion-Signature header of a delivery.
func Sign(secret string, at time.Time, nonce string, body []byte) string {
	t := strconv.FormatInt(at.Unix(), 10)
	return "t=" + t + ",v1=" + mac(secret, t, nonce, string(body))
}

// CheckSignature verifies a Secunion-Signature header against the body
// and nonce at time now, as a provider does.
func CheckSignature(secret, header, nonce string, body []byte, now time.Time) error {
	var t, v1 string
	for _, kv := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		switch k {
		case "t":
			t = v
		case "v1":
			v1 = v
		}
	}
	sec, err := strconv.ParseInt(t, 10, 64)
	if err != nil || v1 == "" {
		return secunion.Errorf(secunion.Unauthenticated, "webhook: the signature header is not t=<seconds>,v1=<hex>")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > SignatureTolerance || d < -SignatureTolerance {
		return secunion.Errorf(secunion.Unauthenticated, "webhook: the signature is %s away from now (at most %s)", d.Round(time.Second), SignatureTolerance)
	}
	if !hmac.Equal([]byte(v1), []byte(mac(secret, t, nonce, string(body)))) {
		return secunion.Errorf(secunion.Unauthenticated, "webhook: the signature does not match")
	}
	return nil
}

// Ack is a provider's signed acknowledgement of a webhook delivery.
type Ack struct {
	Order     string    `json:"order"`
	Delivery  string    `json:"delivery"` // the attempt's nonce
	Received  time.Time `json:"received"` // the provider's clock, kept as its statement
	Signature string    `json:"signature"`
}

// SignAck returns a signed acknowledgement, as a provider makes it.
func SignAck(secret, order, nonce string, received time.Time) Ack {
	r := received.UTC().Format(time.RFC3339Nano)
	return Ack{Order: order, Delivery: nonce, Received: received.UTC(), Signature: mac(secret, "ack", order, nonce, r)}
}

// maxAck bounds the acknowledgement a webhook may answer with.
const maxAck = 4096

// ParseAck reads a webhook's answer and checks that it acknowledges this
// order and this attempt, signed with the provider's secret.
func ParseAck(secret, order, nonce string, body []byte) (Ack, error) {
	var a Ack
	if len(body) > maxAck {
		return a, secunion.Errorf(secunion.Invalid, "webhook: the acknowledgement is %d bytes, at most %d", len(body), maxAck)
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return a, secunion.Errorf(secunion.Invalid, "webhook: the answer is not an acknowledgement: %v", err)
	}
	r := a.Received.UTC().Format(time.RFC3339Nano)
	switch {
	case a.Order != order || a.Delivery != nonce:
		return a, secunion.Errorf(secunion.Unauthenticated, "webhook: the acknowledgement names order %q, delivery %q: a replay, not this delivery", secunion.Clip(a.Order, 64), secunion.Clip(a.Delivery, 64))
	case !hmac.Equal([]byte(a.Signature), []byte(mac(secret, "ack", order, nonce, r))):
		return a, secunion.Errorf(secunion.Unauthenticated, "webhook: the acknowledgement's signature does not match: forged")
	}
	return a, nil
}

// Delivery is one attempt to push an order to its provider's webhook.
type Delivery struct {
	Order    Order
	Webhook  string
	Secret   string
	Nonce    string // this attempt's
	Attempts int    // including this one
}

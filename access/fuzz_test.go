package access

import "testing"

// FuzzCheckPassword feeds hostile PHC strings to the hash parser: it must
// never panic, never match a malformed hash, and never spend more than the
// capped argon2 cost.
func FuzzCheckPassword(f *testing.F) {
	good, err := HashPassword("correct horse battery")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good, "correct horse battery")
	f.Fuzz(func(t *testing.T, hash, password string) {
		ok := CheckPassword(hash, password)
		if ok && hash != good {
			// Only a well-formed argon2id hash can match.
			if len(hash) < 30 || hash[:10] != "$argon2id$" {
				t.Fatalf("malformed hash %q matched", hash)
			}
		}
	})
}

package server

import (
	"reflect"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

// TestSessionCodec: what a session holds comes back with its types (scs's
// GetInt64, GetInt and GetString assert them); a session gob wrote before
// is still read; a value of another type is refused, not stored as
// something else.
func TestSessionCodec(t *testing.T) {
	deadline := time.Date(2026, 12, 7, 18, 0, 0, 0, time.UTC)
	values := map[string]any{keyUserID: int64(42), keyEpoch: 3, keySeen: int64(1765130400000), keyMethod: "oidc", "empty": ""}
	b, err := sessionCodec{}.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	gotDeadline, got, err := sessionCodec{}.Decode(b)
	if err != nil || !gotDeadline.Equal(deadline) || !reflect.DeepEqual(got, values) {
		t.Errorf("Decode(Encode) = %v, %#v, %v; want %v, %#v", gotDeadline, got, err, deadline, values)
	}

	old, err := scs.GobCodec{}.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	if _, got, err := (sessionCodec{}).Decode(old); err != nil || !reflect.DeepEqual(got, values) {
		t.Errorf("a session written by gob: %#v, %v", got, err)
	}

	if _, err := (sessionCodec{}).Encode(deadline, map[string]any{"when": time.Now()}); err == nil {
		t.Error("a time.Time was encoded: it would come back as another type")
	}
	if _, _, err := (sessionCodec{}).Decode([]byte("{not json")); err == nil {
		t.Error("a damaged session was decoded")
	}
}

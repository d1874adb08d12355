package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec encodes a session's data as JSON, each value under its
// type: the session holds only whole numbers and strings (session.go,
// oidc.go). scs's default, gob, builds its decoder's types again at every
// request (a session is decoded at each one): several times the cost of
// the page's own work once its figures are kept. A session written by gob
// before (its first byte is not '{') is still read.
type sessionCodec struct{}

// sessionRecord is a session's data as sessionCodec writes it.
type sessionRecord struct {
	Deadline time.Time         `json:"d"`
	Int64s   map[string]int64  `json:"l,omitempty"`
	Ints     map[string]int    `json:"i,omitempty"`
	Strings  map[string]string `json:"s,omitempty"`
}

// Encode writes values, refusing a type it cannot give back as it was.
func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	rec := sessionRecord{Deadline: deadline}
	for k, v := range values {
		switch v := v.(type) {
		case int64:
			if rec.Int64s == nil {
				rec.Int64s = map[string]int64{}
			}
			rec.Int64s[k] = v
		case int:
			if rec.Ints == nil {
				rec.Ints = map[string]int{}
			}
			rec.Ints[k] = v
		case string:
			if rec.Strings == nil {
				rec.Strings = map[string]string{}
			}
			rec.Strings[k] = v
		default:
			return nil, fmt.Errorf("session value %q: a %T is not kept in a session", k, v)
		}
	}
	return json.Marshal(rec)
}

// Decode reads what Encode wrote, or gob's encoding of before.
func (sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if !bytes.HasPrefix(b, []byte("{")) {
		return scs.GobCodec{}.Decode(b)
	}
	var rec sessionRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return time.Time{}, nil, err
	}
	values := make(map[string]any, len(rec.Int64s)+len(rec.Ints)+len(rec.Strings))
	for k, v := range rec.Int64s {
		values[k] = v
	}
	for k, v := range rec.Ints {
		values[k] = v
	}
	for k, v := range rec.Strings {
		values[k] = v
	}
	return rec.Deadline, values, nil
}

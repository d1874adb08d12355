package store

import (
	"context"
	"crypto/rand"
	"fmt"
)

// KeyCookies names the key the servers sign their cookies with.
const KeyCookies = "cookies"

// ServerKey returns the secret key called name, shared by every app server
// of the installation: the first call anywhere creates it (32 random bytes);
// later calls, on any server, read the same.
func (s *Store) ServerKey(ctx context.Context, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	rand.Read(fresh)
	if _, err := s.exec(ctx, `INSERT INTO server_keys (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
		name, fresh); err != nil {
		return nil, fmt.Errorf("server key %s: %w", name, err)
	}
	var secret []byte
	if err := s.pool.QueryRow(ctx, `SELECT secret FROM server_keys WHERE name = $1`, name).Scan(&secret); err != nil {
		return nil, fmt.Errorf("server key %s: %w", name, err)
	}
	return secret, nil
}

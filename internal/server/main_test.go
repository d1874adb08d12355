package server_test

import (
	"os"
	"testing"

	"traguardo/internal/pgtest"
)

// TestMain starts the private PostgreSQL of this test binary; every test
// gets its own migrated database from it with pgtest.NewDB.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

package report_test

import (
	"os"
	"testing"

	"traguardo/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

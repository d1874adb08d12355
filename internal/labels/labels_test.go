package labels_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"traguardo/internal/auth"
	"traguardo/internal/domain"
	"traguardo/internal/labels"
	"traguardo/internal/store"
)

// storeCodes is what the store's source writes in the audit log: the action
// and entity codes, the keys of the values it builds itself (the plan rows'
// own columns are checked against the database by a server test), and the
// codes of an access entry.
// fnKeys are the keys of the values a function of the store builds, and the
// entities it records: each key must be a field of one of them.
type fnKeys struct {
	fn       string
	entities []string
	keys     []string
}

type storeCodes struct {
	actions, entities []string
	keys              []fnKeys
	limits            []string
}

// readStore parses the store's source (not its tests) and collects the codes
// passed to record, in auditRecord and planTable literals. An argument it
// cannot read fails the test: a new way of writing a code must be taught to
// this test rather than slip past it.
func readStore(t *testing.T) storeCodes {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "store", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("store sources: %v (%d files)", err, len(files))
	}
	var c storeCodes
	fset := token.NewFileSet()
	jsonbKeys := regexp.MustCompile(`'(\w+)',`)
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			// strs resolves an argument to the string literals it can hold.
			strs := func(e ast.Expr, what string) []string {
				switch e := e.(type) {
				case *ast.BasicLit:
					if s, err := strconv.Unquote(e.Value); err == nil {
						return []string{s}
					}
				case *ast.Ident:
					var out []string
					ast.Inspect(fn.Body, func(n ast.Node) bool {
						if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
							for i, l := range as.Lhs {
								if id, ok := l.(*ast.Ident); ok && id.Name == e.Name {
									if lit, ok := as.Rhs[i].(*ast.BasicLit); ok {
										s, _ := strconv.Unquote(lit.Value)
										out = append(out, s)
									}
								}
							}
						}
						return true
					})
					if len(out) > 0 {
						return out
					}
				case *ast.SelectorExpr:
					// rec.action and t.entity: read from the auditRecord and
					// planTable literals.
					if e.Sel.Name == "action" || e.Sel.Name == "entity" {
						return nil
					}
				}
				t.Errorf("%s: %s of %s: cannot read %T; teach this test", fset.Position(e.Pos()), what, fn.Name.Name, e)
				return nil
			}
			var fnEntities, keys []string
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "record" && len(n.Args) >= 5 {
						c.actions = append(c.actions, strs(n.Args[3], "action")...)
						es := strs(n.Args[4], "entity")
						c.entities = append(c.entities, es...)
						fnEntities = append(fnEntities, es...)
					}
				case *ast.CompositeLit:
					switch typ := n.Type.(type) {
					case *ast.Ident:
						switch typ.Name {
						case "auditRecord":
							for _, el := range n.Elts {
								if kv, ok := el.(*ast.KeyValueExpr); ok {
									switch kv.Key.(*ast.Ident).Name {
									case "action":
										c.actions = append(c.actions, strs(kv.Value, "action")...)
									case "entity":
										es := strs(kv.Value, "entity")
										c.entities = append(c.entities, es...)
										fnEntities = append(fnEntities, es...)
									}
								}
							}
						}
					case *ast.MapType:
						for _, el := range n.Elts {
							kv, ok := el.(*ast.KeyValueExpr)
							if !ok {
								continue
							}
							if k, ok := kv.Key.(*ast.BasicLit); ok && k.Kind == token.STRING {
								key, _ := strconv.Unquote(k.Value)
								keys = append(keys, key)
								if v, ok := kv.Value.(*ast.BasicLit); ok && key == "limit" {
									l, _ := strconv.Unquote(v.Value)
									c.limits = append(c.limits, l)
								}
							}
						}
					case *ast.ArrayType:
						// The carry-over's steps: {what, sql}, what a key of its counts.
						if st, ok := typ.Elt.(*ast.StructType); ok && len(st.Fields.List) > 0 && st.Fields.List[0].Names[0].Name == "what" {
							for _, el := range n.Elts {
								if cl, ok := el.(*ast.CompositeLit); ok {
									keys = append(keys, strs(cl.Elts[0], "step")...)
								}
							}
						}
					}
				case *ast.BasicLit:
					if n.Kind == token.STRING && strings.Contains(n.Value, "jsonb_build_object(") {
						for _, m := range jsonbKeys.FindAllStringSubmatch(n.Value, -1) {
							keys = append(keys, m[1])
						}
					}
				}
				return true
			})
			c.keys = append(c.keys, fnKeys{fn.Name.Name, fnEntities, keys})
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.TypeSpec:
				// The fields of a user entry are auditUser's JSON names.
				if n.Name.Name == "auditUser" {
					var keys []string
					for _, fl := range n.Type.(*ast.StructType).Fields.List {
						tag, _ := strconv.Unquote(fl.Tag.Value)
						name, _, _ := strings.Cut(strings.TrimPrefix(tag, `json:"`), `"`)
						keys = append(keys, name)
					}
					c.keys = append(c.keys, fnKeys{"auditUser", []string{"user"}, keys})
				}
			case *ast.CompositeLit:
				// The plan tables, at package level.
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "planTable" {
					lit, ok := n.Elts[1].(*ast.BasicLit)
					if !ok {
						t.Errorf("%s: planTable entity is not a literal", fset.Position(n.Pos()))
						return true
					}
					e, _ := strconv.Unquote(lit.Value)
					c.entities = append(c.entities, e)
				}
			}
			return true
		})
	}
	slices.Sort(c.actions)
	c.actions = slices.Compact(c.actions)
	slices.Sort(c.entities)
	c.entities = slices.Compact(c.entities)
	return c
}

// TestLabels_StoreCodes fails for an action, an entity, a field or an access
// code the store writes without an Italian name: the audit page and the
// variations would otherwise show it raw.
func TestLabels_StoreCodes(t *testing.T) {
	c := readStore(t)
	// The test must have found the codes, or it proves nothing.
	for _, want := range []string{"create", "update", "delete", "move", "import", "import-plan", "approve", "carry-over",
		"change-password", "reset-password", "set-active", "sign-in", "sign-out", "sign-in-failed", "password-failed", "throttled"} {
		if !slices.Contains(c.actions, want) {
			t.Errorf("the store's source does not seem to write the action %q: the reader of the source is broken", want)
		}
	}
	for _, want := range []string{"organisation", "cycle", "period", "centre", "objective", "activity", "indicator", "user", "access"} {
		if !slices.Contains(c.entities, want) {
			t.Errorf("the store's source does not seem to write the entity %q: the reader of the source is broken", want)
		}
	}
	t.Logf("actions %q, entities %q", c.actions, c.entities)

	for _, a := range c.actions {
		if !labels.HasAction(a) {
			t.Errorf("the store writes the action %q, which has no Italian name in internal/labels", a)
		}
	}
	for _, e := range c.entities {
		if !labels.HasEntity(e) {
			t.Errorf("the store writes the entity %q, which has no Italian name in internal/labels", e)
		}
	}
	for _, fk := range c.keys {
		for _, k := range fk.keys {
			if !hasField(fk.entities, k) {
				t.Errorf("%s writes the field %q of %q, which is not in the fields table of internal/labels", fk.fn, k, fk.entities)
			}
		}
	}
	if len(c.limits) < 3 {
		t.Errorf("found the throttle limits %q, want three", c.limits)
	}
	for _, l := range c.limits {
		if !labels.HasThrottleLimit(l) {
			t.Errorf("the store writes the throttle limit %q, which has no Italian name", l)
		}
	}
	for _, f := range []string{store.FormSignIn, store.FormPassword} {
		if !labels.HasAccessForm(f) {
			t.Errorf("the form %q has no Italian name", f)
		}
	}
}

// hasField reports whether the fields table has key for one of the
// entities, or for any entity when there are none (a snapshot built by a
// helper, such as a centre's).
func hasField(entities []string, key string) bool {
	if len(entities) == 0 {
		entities = []string{"organisation", "cycle", "period", "centre", "objective", "activity", "indicator", "user", "access", "progress"}
	}
	for _, e := range entities {
		if _, ok := labels.FieldOf(e, key); ok {
			return true
		}
	}
	return false
}

// TestLabels_Fields: every field shown has a label, and none is listed twice.
func TestLabels_Fields(t *testing.T) {
	for _, e := range []string{"organisation", "cycle", "period", "centre", "objective", "activity", "indicator", "user", "access"} {
		if len(labels.Fields(e)) == 0 {
			t.Errorf("%s has no fields", e)
		}
		seen := map[string]bool{}
		for _, f := range labels.Fields(e) {
			if seen[f.Key] {
				t.Errorf("%s.%s listed twice", e, f.Key)
			}
			seen[f.Key] = true
			if (f.Kind == labels.Hidden) != (f.Label == "") {
				t.Errorf("%s.%s: a shown field needs a label, a hidden one none (%+v)", e, f.Key, f)
			}
		}
	}
}

// TestLabels_Polarity: both polarities, in the order of the forms, in words.
func TestLabels_Polarity(t *testing.T) {
	if got := labels.Polarities(); !slices.Equal(got, []domain.Polarity{domain.Higher, domain.Lower}) {
		t.Errorf("Polarities() = %q", got)
	}
	for p, want := range map[domain.Polarity]string{domain.Higher: "Più alto è meglio", domain.Lower: "Più basso è meglio"} {
		if got := labels.PolarityLabel(p); got != want {
			t.Errorf("PolarityLabel(%q) = %q, want %q", p, got, want)
		}
	}
	for _, r := range auth.Roles() {
		if r.Label() == string(r) {
			t.Errorf("role %q has no label", r)
		}
	}
}

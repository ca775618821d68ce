package script

// Functions holds the FUNCTION libraries.
type Functions struct{}

func newFunctions() *Functions { return &Functions{} }

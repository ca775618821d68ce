package main

import (
	"fmt"
	"os"
)

// writePidFile writes the process id where pidfile says, as Redis does.
func writePidFile(path string) error {
	if path == "" {
		return nil
	}
	if err := os.WriteFile(path, []byte(fmt.Sprintf("%d\n", os.Getpid())), 0o644); err != nil {
		return fmt.Errorf("can't write the pid file: %w", err)
	}
	return nil
}

func removePidFile(path string) {
	if path != "" {
		os.Remove(path)
	}
}

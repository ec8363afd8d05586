package main_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Setting the password of an account that does not exist says so, before
// asking for a password.
func TestPasswdUnknownUser(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ringcard.db")
	cmd := exec.Command(binary(t), "users", "passwd", "nobody", "--db", db, "--password-stdin")
	cmd.Stdin = strings.NewReader("\n")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), `user "nobody" not found`) {
		t.Errorf("passwd nobody: %v\n%s", err, out)
	}
}

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// fcmTokenCmd sends the phone's FCM token with PUT /api/v1/device, as the
// app does when Firebase gives it a new one.
func fcmTokenCmd(f *simFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "fcm-token TOKEN",
		Short: `Register a new FCM token for the paired simulated phone ("" forgets it), as the app does when Firebase rotates it`,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, c, err := f.load()
			if err != nil {
				return err
			}
			token := args[0]
			info, err := c.UpdateDevice(cmd.Context(), protocol.DeviceUpdate{FCMToken: &token})
			if err != nil {
				return err
			}
			if !info.HasFCM {
				fmt.Fprintf(cmd.OutOrStdout(), "Device %s has no FCM token now: while it is not listening, its events wait for it to reconnect\n", info.DeviceID)
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "FCM token %s registered for device %s: while it is not listening, the server wakes it by FCM\n", token, info.DeviceID)
			return nil
		},
	}
}

-- Closes the snapshot file attached by attach_snapshot.
detach saisaat_snapshot

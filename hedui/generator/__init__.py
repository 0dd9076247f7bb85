"""Synthetic city generator: a believable population written as the 22 source deliveries."""

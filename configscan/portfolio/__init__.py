"""Many agencies in one run: inputs grouped by agency, each scanned on its own, the batch's network beside."""

"""What-if sweeps: scenario variants, where they run, the table and pictures they give."""

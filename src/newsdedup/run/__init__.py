"""The only layer with processes and threads: the job, its steps, the engines, the manifest."""

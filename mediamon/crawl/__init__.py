"""Running crawls: in one process, sharded over several, the distributed feeder; feed state;
outlet discovery."""

"""A registered contract as the procedures use it: its pinned profile, its people, its terms on its calendar."""

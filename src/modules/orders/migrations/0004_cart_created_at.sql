-- When a cart was opened: a cart's stock hold is renewed by every change, but never past
-- created_at + LASTMILE_CART_HOLD_MAX_AGE_S (open carts from before this migration start now).
ALTER TABLE carts ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();

import type { Meta, StoryObj } from '@storybook/react-vite';
import { PlatformPicker } from '../src/widget/index.js';
import { bff, failing, pending } from './mock-bff.js';

const meta = {
  title: 'Widget/PlatformPicker',
  component: PlatformPicker,
  parameters: bff(),
} satisfies Meta<typeof PlatformPicker>;
export default meta;
type Story = StoryObj<typeof meta>;

/** The platforms with their branding; arrow keys, Home/End and typing filter. */
export const Default: Story = {};
/** Waiting for the platform list. */
export const Loading: Story = { parameters: bff({}, undefined, [pending('listPlatforms')]) };
/** The deployment offers no platform. */
export const Empty: Story = { parameters: bff({}, (s) => (s.platforms = [])) };
/** The list failed to load: an error with a retry. */
export const LoadError: Story = { parameters: bff({}, undefined, [failing('listPlatforms')]) };
